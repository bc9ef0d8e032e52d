// Who may ask what, from the peer's SO_PEERCRED uid (DESIGN.md "Who may ask what"):
// root may act for anyone; admin_group members may enroll and inspect others;
// everyone else only themselves. Every name is first made canonical through
// NSS, so two spellings of one account can never hold two states.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "mfa/result.hpp"
#include "mfa/wire/messages.hpp"
#include "server/peer.hpp"

namespace mfa::daemon {

struct SystemUser {
    std::string name;  // as NSS spells it: the key of everything mfad stores
    uid_t uid = 0;
};

// nullopt when NSS knows no such name; an error when NSS itself failed.
Result<std::optional<SystemUser>> lookup_user(std::string_view name);
bool in_group(uid_t uid, const std::string& group_name);

enum class Action {
    login,       // BEGIN: root, or the user itself
    enroll,      // enroll, confirm: root, admin_group (not for uid 0), or the user
    inspect,     // status: root, admin_group, or the user
    mint_codes,  // backup codes: root, or the user itself (never admin_group for others)
};

struct Authorization {
    std::optional<SystemUser> user;  // set when allowed
    wire::ErrorCode code = wire::ErrorCode::permission_denied;
    std::string reason;
};

// The canonical user when `peer` may do `action` for `requested`, else why not.
Authorization authorize(const Peer& peer, std::string_view requested, Action action, const std::string& admin_group);

// The name an admin command acts on: NSS's spelling when NSS knows it, else
// the name as given (an account already removed from the system can still
// be reset). Refused for a name mfad never accepts, and for root's account
// unless the peer is root: admin_group may not reset, unlock or disable the
// one account above it.
Authorization admin_target(const Peer& peer, std::string_view name);

// Admin commands: root and admin_group only; acting on yourself is no exception.
std::string admin_refusal(const Peer& peer, const std::string& admin_group);

// A login name we accept: 1-256 bytes of UTF-8 without control characters,
// ':' or a space at either end.
bool acceptable_user_name(std::string_view user);

}  // namespace mfa::daemon
