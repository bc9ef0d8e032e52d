// mfactl admin rekey: the new key joins the ring as primary, and every
// sealed secret is re-sealed under it in batches on the write queue, so
// logins go on between them. The store's row says how far it got; the new
// key waits beside the database, sealed under the old (pending_key_file.hpp),
// until mfad first runs with the new key: a restart midway resumes, and one
// after the end but before the new key is installed still starts.
#pragma once

#include <string>

#include "crypto/key_ring.hpp"
#include "server/request_context.hpp"

namespace mfa::daemon {

struct RotationStatus {
    std::string old_key;  // ids in hex; empty when no rotation is known
    std::string new_key;
    std::int64_t resealed = 0;
    std::int64_t remaining = -1;  // -1: not counted yet
    bool finished = false;
    std::string problem;  // why the re-sealing stopped, if it did
};

class KeyRotator {
public:
    KeyRotator(KeyRing& keys, DaemonState& state) : keys_(keys), state_(state) {}

    // At start, before serving: puts the ring in the state the store's
    // rotation row asks for. An error means mfad must not start (a key it
    // needs is not the one it was given).
    Result<void> restore(Store& store);
    // Re-seals in the background if a rotation is unfinished.
    void resume(const asio::any_io_executor& executor);

    // A rotation to `key` starts (or the one under way to it goes on). Refused:
    // the key in use, or another rotation unfinished.
    // `key` is moved from (a reference: g++ 12 mishandles class arguments of co_await calls).
    Awaitable<Result<void>> begin(const RequestContext& ctx, MasterKey& key);
    Result<RotationStatus> status();
    // At SIGTERM: no batch after the one under way; the next start resumes.
    void stop();

private:
    Awaitable<void> reseal_all();
    KeyRing& keys_;
    DaemonState& state_;
    std::string pending_path() const;
    bool running_ = false;
    bool starting_ = false;  // a begin() between its check and its write
    bool stopping_ = false;
    asio::steady_timer* pause_ = nullptr;  // the wait between batches, while there is one
    RotationStatus last_;
};

}  // namespace mfa::daemon
