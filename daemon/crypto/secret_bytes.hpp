// Bytes that are secret: wiped with OPENSSL_cleanse when they go away.
#pragma once

#include <openssl/crypto.h>

#include <cstdint>
#include <span>
#include <vector>

namespace mfa::daemon {

class SecretBytes {
public:
    SecretBytes() = default;
    explicit SecretBytes(std::size_t size) : bytes_(size) {}
    ~SecretBytes() { wipe(); }
    SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) {}
    SecretBytes& operator=(SecretBytes&& other) noexcept {
        wipe();
        bytes_ = std::move(other.bytes_);
        return *this;
    }
    SecretBytes(const SecretBytes&) = delete;
    SecretBytes& operator=(const SecretBytes&) = delete;

    std::uint8_t* data() { return bytes_.data(); }
    const std::uint8_t* data() const { return bytes_.data(); }
    std::size_t size() const { return bytes_.size(); }
    std::span<const std::uint8_t> view() const { return bytes_; }
    // Shrinks without reallocating, so no unwiped copy is left behind.
    void truncate(std::size_t size) {
        if (size < bytes_.size()) {
            OPENSSL_cleanse(bytes_.data() + size, bytes_.size() - size);
            bytes_.resize(size);
        }
    }

private:
    void wipe() {
        if (!bytes_.empty()) OPENSSL_cleanse(bytes_.data(), bytes_.size());
    }
    std::vector<std::uint8_t> bytes_;
};

}  // namespace mfa::daemon
