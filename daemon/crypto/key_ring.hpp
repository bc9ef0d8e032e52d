// The master keys mfad holds: the primary seals, every key in the ring opens
// what it sealed. Normally one key; two while `mfactl admin rekey` re-seals
// everything under a new one (the new key first).
#pragma once

#include <deque>
#include <vector>

#include "crypto/master_key.hpp"

namespace mfa::daemon {

class KeyRing {
public:
    explicit KeyRing(MasterKey key) { keys_.push_back(std::move(key)); }

    const MasterKey& primary() const { return keys_.front(); }
    // The key with this id, or nullptr.
    const MasterKey* find(const MasterKey::Id& id) const {
        for (const auto& key : keys_)
            if (key.id() == id) return &key;
        return nullptr;
    }
    // `key` seals from now on; the others still open. References stay valid (a deque).
    void promote(MasterKey key) { keys_.push_front(std::move(key)); }
    const std::deque<MasterKey>& keys() const { return keys_; }

private:
    std::deque<MasterKey> keys_;
};

}  // namespace mfa::daemon
