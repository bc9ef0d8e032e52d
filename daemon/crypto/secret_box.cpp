#include "crypto/secret_box.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <memory>

namespace mfa::daemon {
namespace {

constexpr std::uint8_t kFormat = 1;
constexpr std::size_t kNonceSize = 12;
constexpr std::size_t kTagSize = 16;
constexpr std::size_t kOverhead = 1 + MasterKey::kIdSize + kNonceSize + kTagSize;

struct CipherDeleter {
    void operator()(EVP_CIPHER* c) const { EVP_CIPHER_free(c); }
    void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherDeleter>;

const EVP_CIPHER* aes_gcm() {
    static const std::unique_ptr<EVP_CIPHER, CipherDeleter> cipher(EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr));
    return cipher.get();
}

void append_length_prefixed(std::vector<std::uint8_t>& out, std::string_view text) {
    auto n = static_cast<std::uint32_t>(text.size());
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(n >> shift));
    out.insert(out.end(), text.begin(), text.end());
}

// Length prefixes keep ("ab", "c") and ("a", "bc") apart.
std::vector<std::uint8_t> associated_data(std::string_view user, std::string_view field, const MasterKey::Id& id) {
    std::vector<std::uint8_t> ad{'m', 'f', 'a', 'd', kFormat};
    append_length_prefixed(ad, user);
    append_length_prefixed(ad, field);
    ad.insert(ad.end(), id.begin(), id.end());
    return ad;
}

int as_int(std::size_t n) { return static_cast<int>(n); }

}  // namespace

Result<std::vector<std::uint8_t>> SecretBox::seal(std::string_view user, std::string_view field,
                                                  std::span<const std::uint8_t> plaintext) const {
    if (plaintext.size() > (1u << 20)) return make_error("secret too large to seal");
    const MasterKey& key = keys_.primary();
    std::vector<std::uint8_t> out(kOverhead + plaintext.size());
    out[0] = kFormat;
    std::copy(key.id().begin(), key.id().end(), out.begin() + 1);
    std::uint8_t* nonce = out.data() + 1 + MasterKey::kIdSize;
    std::uint8_t* body = nonce + kNonceSize;
    std::uint8_t* tag = body + plaintext.size();
    if (RAND_bytes(nonce, kNonceSize) != 1) return make_error("seal: RAND_bytes failed");

    auto ad = associated_data(user, field, key.id());
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    int len = 0;
    bool ok = ctx && aes_gcm() != nullptr &&
              EVP_EncryptInit_ex2(ctx.get(), aes_gcm(), key.bytes().data(), nonce, nullptr) == 1 &&
              EVP_EncryptUpdate(ctx.get(), nullptr, &len, ad.data(), as_int(ad.size())) == 1 &&
              EVP_EncryptUpdate(ctx.get(), body, &len, plaintext.data(), as_int(plaintext.size())) == 1 &&
              EVP_EncryptFinal_ex(ctx.get(), body + len, &len) == 1 &&
              EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, tag) == 1;
    if (!ok) return make_error("seal: AES-256-GCM failed");
    return out;
}

Result<SecretBytes> SecretBox::open(std::string_view user, std::string_view field,
                                    std::span<const std::uint8_t> sealed) const {
    if (sealed.size() < kOverhead || sealed[0] != kFormat) return make_error("sealed " + std::string(field) + ": unknown format");
    MasterKey::Id id = *sealing_key_id(sealed);
    const MasterKey* key = keys_.find(id);
    if (key == nullptr) return make_error("sealed " + std::string(field) + ": made with a key mfad does not hold");
    const std::uint8_t* nonce = sealed.data() + 1 + MasterKey::kIdSize;
    const std::uint8_t* body = nonce + kNonceSize;
    std::size_t body_size = sealed.size() - kOverhead;
    std::uint8_t tag[kTagSize];
    std::copy_n(body + body_size, kTagSize, tag);

    auto ad = associated_data(user, field, id);
    SecretBytes plain(body_size);
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    int len = 0;
    int total = 0;
    bool ok = ctx && aes_gcm() != nullptr &&
              EVP_DecryptInit_ex2(ctx.get(), aes_gcm(), key->bytes().data(), nonce, nullptr) == 1 &&
              EVP_DecryptUpdate(ctx.get(), nullptr, &len, ad.data(), as_int(ad.size())) == 1 &&
              EVP_DecryptUpdate(ctx.get(), plain.data(), &total, body, as_int(body_size)) == 1 &&
              EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, tag) == 1;
    // A failed tag check means tampered, swapped to another user or field, or corrupt.
    if (!ok || EVP_DecryptFinal_ex(ctx.get(), plain.data() + total, &len) != 1)
        return make_error("sealed " + std::string(field) + ": authentication failed (tampered or moved)");
    return plain;
}

Result<std::vector<std::uint8_t>> SecretBox::reseal(std::string_view user, std::string_view field,
                                                    std::span<const std::uint8_t> sealed) const {
    auto plain = open(user, field, sealed);
    if (!plain) return plain.error();
    return seal(user, field, plain->view());
}

std::optional<MasterKey::Id> sealing_key_id(std::span<const std::uint8_t> sealed) {
    if (sealed.size() < 1 + MasterKey::kIdSize) return std::nullopt;
    MasterKey::Id id{};
    std::copy_n(sealed.begin() + 1, MasterKey::kIdSize, id.begin());
    return id;
}

}  // namespace mfa::daemon
