#include "auth/authority.hpp"

#include <grp.h>
#include <pwd.h>

#include <algorithm>
#include <vector>

namespace mfa::daemon {

std::optional<std::string> user_name_of(uid_t uid) {
    passwd pw{};
    passwd* found = nullptr;
    std::vector<char> buf(16384);
    if (getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr) return std::nullopt;
    return std::string(pw.pw_name);
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

bool acceptable_user_name(const std::string& user) {
    if (user.empty() || user.size() > 256) return false;
    return std::none_of(user.begin(), user.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f || c == ':';
    });
}

std::string refusal(const Peer& peer, const std::string& user, Action action, const std::string& admin_group) {
    if (!acceptable_user_name(user)) return "not a valid user name";
    if (peer.uid == 0) return {};
    if (action != Action::login && in_group(peer.uid, admin_group)) return {};
    auto self = user_name_of(peer.uid);
    if (self && *self == user) return {};
    return "permission denied: uid " + std::to_string(peer.uid) + " may act only for itself";
}

}  // namespace mfa::daemon
