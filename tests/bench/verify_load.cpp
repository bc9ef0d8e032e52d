#include "verify_load.hpp"

#include <atomic>
#include <ctime>
#include <latch>
#include <mutex>
#include <thread>

#include "mfa/otp.hpp"
#include "mfa/wire/client.hpp"
#include "mfa/wire/login_messages.hpp"

namespace mfa::bench {
namespace {

using Clock = std::chrono::steady_clock;

enum class Verdict { accepted, refused, locked, error };

// One BEGIN + ANSWER for `user`, answered with its current code.
Verdict verify_once(wire::Client& client, const std::string& user, const Secret& secret) {
    // One try: a wrong or replayed code ends the login with DENY, as a module with tries=1 sees it.
    auto begin = wire::encode(wire::Begin{user, "bench", "", "", 1, ""}, client.next_request_id());
    auto reply = client.call(begin);
    if (!reply) return Verdict::error;
    if (reply->type() == wire::MessageType::locked) return Verdict::locked;
    if (reply->type() != wire::MessageType::step) return Verdict::error;
    auto fields = reply->fields();
    if (!fields) return Verdict::error;
    auto step = wire::decode_step(*fields);
    if (!step) return Verdict::error;
    auto code = otp::totp(secret, std::time(nullptr), 30, 6, otp::Algorithm::sha1);
    if (!code) return Verdict::error;
    auto answer = wire::encode(wire::Answer{step->session, *code}, client.next_request_id());
    auto verdict = client.call(answer);
    if (!verdict) return Verdict::error;
    switch (verdict->type()) {
        case wire::MessageType::allow: return Verdict::accepted;
        case wire::MessageType::deny: return Verdict::refused;
        case wire::MessageType::locked: return Verdict::locked;
        default: return Verdict::error;
    }
}

Verdict ping_twice(wire::Client& client) {
    for (int i = 0; i < 2; ++i) {
        auto ping = wire::encode_empty(wire::MessageType::ping, client.next_request_id());
        auto pong = client.call(ping);
        if (!pong || pong->type() != wire::MessageType::pong) return Verdict::error;
    }
    return Verdict::accepted;
}

void client_loop(const std::string& socket, const std::vector<Secret>& secrets, unsigned seed, std::latch& ready,
                 const std::atomic<bool>& go, const Clock::time_point& end, bool pings_only, LoadResult& counts) {
    auto client = wire::Client::connect({socket, std::chrono::seconds(10), {0}});
    ready.count_down();
    while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
    if (!client) {
        counts.errors += 1;
        return;
    }
    std::uint64_t state = 0x9e3779b97f4a7c15ULL * (seed + 1);  // xorshift64: any user, any order
    while (Clock::now() < end) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        std::size_t index = state % secrets.size();
        auto started = Clock::now();
        auto verdict = pings_only ? ping_twice(*client) : verify_once(*client, bulk_user(index), secrets[index]);
        auto ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
        auto& c = counts;
        switch (verdict) {
            case Verdict::accepted: c.accepted += 1; break;
            case Verdict::refused: c.refused += 1; break;
            case Verdict::locked: c.locked += 1; break;
            case Verdict::error: c.errors += 1; return;  // the connection is no longer usable
        }
        c.verifications += 1;
        c.latencies_ms.push_back(ms);
    }
}

}  // namespace

LoadResult run_verifications(const std::string& socket, const std::vector<Secret>& secrets, int clients,
                             std::chrono::milliseconds duration, bool pings_only) {
    std::vector<LoadResult> tallies(static_cast<std::size_t>(clients));
    std::latch ready(clients);
    std::atomic<bool> go{false};
    Clock::time_point end;
    std::vector<std::thread> threads;
    for (int i = 0; i < clients; ++i)
        threads.emplace_back(client_loop, std::cref(socket), std::cref(secrets), static_cast<unsigned>(i),
                             std::ref(ready), std::cref(go), std::cref(end), pings_only, std::ref(tallies[static_cast<std::size_t>(i)]));
    ready.wait();  // every client connected (or failed to)
    auto start = Clock::now();
    end = start + duration;
    go.store(true, std::memory_order_release);
    for (auto& t : threads) t.join();

    LoadResult total;
    total.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
    for (auto& t : tallies) {
        total.verifications += t.verifications;
        total.accepted += t.accepted;
        total.refused += t.refused;
        total.locked += t.locked;
        total.errors += t.errors;
        total.latencies_ms.insert(total.latencies_ms.end(), t.latencies_ms.begin(), t.latencies_ms.end());
    }
    return total;
}

}  // namespace mfa::bench
