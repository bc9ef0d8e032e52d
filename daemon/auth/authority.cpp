#include "auth/authority.hpp"

#include <errno.h>
#include <grp.h>
#include <pwd.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "mfa/utf8.hpp"

namespace mfa::daemon {
namespace {

constexpr const char* kRootOnly = "permission denied: only root may act on an account with uid 0";

// getpwnam_r's "not found" comes as 0 with no entry, or as one of these.
bool not_found(int rc) { return rc == 0 || rc == ENOENT || rc == ESRCH || rc == EBADF || rc == EPERM; }

std::optional<std::string> user_name_of(uid_t uid) {
    passwd pw{};
    passwd* found = nullptr;
    std::vector<char> buf(16384);
    if (getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr) return std::nullopt;
    return std::string(pw.pw_name);
}

}  // namespace

Result<std::optional<SystemUser>> lookup_user(std::string_view name) {
    std::string key(name);
    std::vector<char> buf(16384);
    for (;;) {
        passwd pw{};
        passwd* found = nullptr;
        int rc = getpwnam_r(key.c_str(), &pw, buf.data(), buf.size(), &found);
        if (rc == ERANGE && buf.size() < (1u << 20)) {
            buf.resize(buf.size() * 4);
            continue;
        }
        if (found != nullptr) return std::optional<SystemUser>(SystemUser{pw.pw_name, pw.pw_uid});
        if (not_found(rc)) return std::optional<SystemUser>();
        return make_error("user lookup failed: " + std::string(strerror(rc)));
    }
}

bool in_group(uid_t uid, const std::string& group_name) {
    std::vector<char> buf(16384);
    struct group grp{};
    struct group* g = nullptr;
    if (getgrnam_r(group_name.c_str(), &grp, buf.data(), buf.size(), &g) != 0 || g == nullptr) return false;
    gid_t wanted = g->gr_gid;
    passwd pw{};
    passwd* found = nullptr;
    std::vector<char> pbuf(16384);
    if (getpwuid_r(uid, &pw, pbuf.data(), pbuf.size(), &found) != 0 || found == nullptr) return false;
    int count = 64;
    std::vector<gid_t> groups(static_cast<std::size_t>(count));
    if (getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &count) < 0) {
        groups.resize(static_cast<std::size_t>(count));
        if (getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &count) < 0) return false;
    }
    groups.resize(static_cast<std::size_t>(count));
    return std::find(groups.begin(), groups.end(), wanted) != groups.end();
}

std::string admin_refusal(const Peer& peer, const std::string& admin_group) {
    if (peer.uid == 0 || in_group(peer.uid, admin_group)) return {};
    return "permission denied: admin commands are for root and " + admin_group;
}

bool acceptable_user_name(std::string_view user) {
    if (user.empty() || user.size() > 256 || user.front() == ' ' || user.back() == ' ') return false;
    return valid_identifier_text(user) && user.find(':') == std::string_view::npos;
}

Authorization admin_target(const Peer& peer, std::string_view name) {
    if (!acceptable_user_name(name)) return {std::nullopt, wire::ErrorCode::refused, "not a valid user name"};
    auto found = lookup_user(name);
    if (!found) return {std::nullopt, wire::ErrorCode::internal, found.error().message};
    if (!*found) return {SystemUser{std::string(name), static_cast<uid_t>(-1)}, {}, {}};
    if ((*found)->uid == 0 && peer.uid != 0) return {std::nullopt, wire::ErrorCode::permission_denied, kRootOnly};
    return {**found, {}, {}};
}

Authorization authorize(const Peer& peer, std::string_view requested, Action action, const std::string& admin_group) {
    if (!acceptable_user_name(requested)) return {std::nullopt, wire::ErrorCode::permission_denied, "not a valid user name"};
    auto found = lookup_user(requested);
    if (!found) return {std::nullopt, wire::ErrorCode::internal, found.error().message};
    if (!*found) return {std::nullopt, wire::ErrorCode::unknown_user, "no such user on this system"};
    const SystemUser& user = **found;
    if (peer.uid == 0 || user.uid == peer.uid) return {user, {}, {}};
    if (action != Action::login && in_group(peer.uid, admin_group)) {
        if (action == Action::inspect) return {user, {}, {}};
        // Root's factors, and backup codes (they log their holder in), are root's to hand out.
        if (action == Action::mint_codes)
            return {std::nullopt, wire::ErrorCode::permission_denied,
                    "permission denied: only root may make backup codes for another user"};
        if (user.uid == 0) return {std::nullopt, wire::ErrorCode::permission_denied, kRootOnly};
        return {user, {}, {}};
    }
    auto self = user_name_of(peer.uid);
    return {std::nullopt, wire::ErrorCode::permission_denied,
            "permission denied: uid " + std::to_string(peer.uid) + " may act only for itself" +
                (self ? " (" + *self + ")" : "")};
}

}  // namespace mfa::daemon
