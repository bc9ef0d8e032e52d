// ADMIN_REKEY (mfactl admin rekey): root only. The key arrives from root's
// mfactl over the socket, so mfad, which may not read root's files, needs no
// access to where the admin keeps it.
#include <openssl/crypto.h>

#include "mfa/base32.hpp"
#include "mfa/wire/admin_messages.hpp"
#include "server/key_rotation.hpp"
#include "server/request_handler.hpp"

namespace mfa::daemon {
namespace {

Outcome refused(const RequestContext& ctx, const std::string& message) {
    return Outcome{ctx.error(wire::ErrorCode::refused, message), {}};
}

}  // namespace

Awaitable<Outcome> handle_admin_rekey(const RequestContext& ctx, const wire::PayloadReader& payload) {
    auto request = wire::decode_admin_rekey(payload);
    if (!request) co_return Outcome{ctx.error(wire::ErrorCode::malformed, request.error().message), request.error().message};
    auto encoded = std::move(request->key);
    auto wipe = [&encoded] { OPENSSL_cleanse(encoded.data(), encoded.size()); };
    if (ctx.peer.uid != 0) {
        wipe();
        AuditEntry entry{"rekey_start", "", "unauthorized", "", "", ctx.peer.uid, ""};
        co_return co_await permission_denied(ctx, entry, "permission denied: only root rotates mfad's key");
    }
    if (!encoded.empty()) {
        auto bytes = base32::decode(encoded);
        wipe();
        if (!bytes || bytes->size() != MasterKey::kSize) {
            if (bytes) OPENSSL_cleanse(bytes->data(), bytes->size());
            co_return refused(ctx, "a key is 32 bytes: make one with mfad --generate-key FILE");
        }
        auto key = MasterKey::from_bytes(*bytes);
        OPENSSL_cleanse(bytes->data(), bytes->size());
        if (!key) co_return internal_error(ctx, key.error());
        auto begun = co_await ctx.state.rotation->begin(ctx, *key);
        if (!begun) co_return refused(ctx, begun.error().message);
    }
    auto status = ctx.state.rotation->status();
    if (!status) co_return internal_error(ctx, status.error());
    wire::RekeyStatus reply{status->old_key, status->new_key, static_cast<std::uint64_t>(status->resealed), std::nullopt,
                            status->finished, status->problem};
    if (status->remaining >= 0) reply.remaining = static_cast<std::uint64_t>(status->remaining);
    co_return Outcome{wire::encode(reply, ctx.request_id), {}};
}

}  // namespace mfa::daemon
