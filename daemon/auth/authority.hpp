// Who may ask what, from the peer's SO_PEERCRED uid (DESIGN.md "Who may ask what"):
// root may act for anyone; admin_group members may enroll and inspect others;
// everyone else only themselves.
#pragma once

#include <optional>
#include <string>

#include "server/peer.hpp"

namespace mfa::daemon {

std::optional<std::string> user_name_of(uid_t uid);
bool in_group(uid_t uid, const std::string& group_name);

enum class Action { login, enroll, inspect };

// An empty string when allowed, else the reason.
std::string refusal(const Peer& peer, const std::string& user, Action action, const std::string& admin_group);

// Admin commands: root and admin_group only; acting on yourself is no exception.
std::string admin_refusal(const Peer& peer, const std::string& admin_group);

// A login name we accept: 1-256 bytes of UTF-8 without control characters or ':'.
bool acceptable_user_name(const std::string& user);

}  // namespace mfa::daemon
