#include "auth/group_cache.hpp"

#include "auth/authority.hpp"

namespace mfa::daemon {

bool GroupCache::member(uid_t uid, const std::string& group, std::int64_t now, std::int64_t ttl) {
    auto key = std::make_pair(uid, group);
    if (auto found = entries_.find(key); found != entries_.end() && found->second.until > now) return found->second.member;
    if (entries_.size() >= kMaxEntries) entries_.clear();
    bool is_member = in_group(uid, group);
    entries_[key] = Entry{is_member, now + ttl};
    return is_member;
}

}  // namespace mfa::daemon
