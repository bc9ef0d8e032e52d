// Group membership as NSS says, remembered for a while: every login asks about
// each group in policy.exempt_groups and policy.require_groups, and NSS may be
// slow (LDAP without sssd's cache).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>

namespace mfa::daemon {

class GroupCache {
public:
    // Is `uid` in `group`? Asked of NSS at most once per `ttl` seconds (0: every time).
    bool member(uid_t uid, const std::string& group, std::int64_t now, std::int64_t ttl);

private:
    struct Entry {
        bool member = false;
        std::int64_t until = 0;
    };
    static constexpr std::size_t kMaxEntries = 65536;  // then it starts over: memory stays bounded
    std::map<std::pair<uid_t, std::string>, Entry> entries_;
};

}  // namespace mfa::daemon
