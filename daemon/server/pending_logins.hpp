// Logins waiting for a person, by the PAM user they are for, whoever the peer
// is: sshd and su connect as root, so a cap per peer uid alone lets one user
// with a password fill the daemon through setuid su. A user holds at most
// `per_user` pending logins; a new one ends the oldest.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>

namespace mfa::daemon {

class PendingLogins {
public:
    explicit PendingLogins(int per_user) : per_user_(per_user) {}
    void set_per_user(int per_user) { per_user_ = per_user; }

    // Holds one pending login's place; leaving (end of login or connection) frees it.
    class Ticket {
    public:
        Ticket() = default;
        Ticket(PendingLogins* owner, std::string user, std::uint64_t id)
            : owner_(owner), user_(std::move(user)), id_(id) {}
        ~Ticket() { release(); }
        Ticket(Ticket&& other) noexcept { *this = std::move(other); }
        Ticket& operator=(Ticket&& other) noexcept;
        Ticket(const Ticket&) = delete;
        Ticket& operator=(const Ticket&) = delete;

    private:
        void release();
        PendingLogins* owner_ = nullptr;
        std::string user_;
        std::uint64_t id_ = 0;
    };

    // Registers a login of `user`; `evict` ends it if newer ones push it out.
    // `evicted`: how many older logins of that user this ended.
    Ticket add(const std::string& user, std::function<void()> evict, int& evicted);

private:
    struct Entry {
        std::uint64_t id;
        std::function<void()> evict;
    };
    void remove(const std::string& user, std::uint64_t id);

    int per_user_;
    std::uint64_t next_id_ = 0;
    std::map<std::string, std::deque<Entry>> by_user_;
};

}  // namespace mfa::daemon
