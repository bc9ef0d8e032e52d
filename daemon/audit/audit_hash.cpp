#include "audit/audit_hash.hpp"

#include <openssl/evp.h>

#include <memory>
#include <string_view>

namespace mfa::daemon {
namespace {

struct MdDeleter {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

class Hasher {
public:
    Hasher() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr); }
    void bytes(std::span<const std::uint8_t> b) {
        u64(b.size());
        EVP_DigestUpdate(ctx_.get(), b.data(), b.size());
    }
    void text(std::string_view s) { bytes({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}); }
    void u64(std::uint64_t v) {
        std::uint8_t buf[8];
        for (int i = 7; i >= 0; --i, v >>= 8) buf[i] = static_cast<std::uint8_t>(v);
        EVP_DigestUpdate(ctx_.get(), buf, sizeof buf);
    }
    AuditHash finish() {
        AuditHash out{};
        unsigned int len = 0;
        EVP_DigestFinal_ex(ctx_.get(), out.data(), &len);
        return out;
    }

private:
    std::unique_ptr<EVP_MD_CTX, MdDeleter> ctx_;
};

}  // namespace

AuditHash audit_row_hash(std::span<const std::uint8_t> prev_hash, std::int64_t id, std::int64_t time,
                         const AuditEntry& e) {
    // Every field is length-prefixed, so no two rows serialise alike.
    Hasher h;
    h.text("mfad audit v1");
    h.bytes(prev_hash);
    h.u64(static_cast<std::uint64_t>(id));
    h.u64(static_cast<std::uint64_t>(time));
    for (std::string_view field : {std::string_view(e.event), std::string_view(e.user), std::string_view(e.result),
                                   std::string_view(e.service), std::string_view(e.rhost), std::string_view(e.detail)})
        h.text(field);
    h.u64(e.peer_uid);
    return h.finish();
}

}  // namespace mfa::daemon
