#include "factors/push/push_factor.hpp"

#include <openssl/crypto.h>

#include "factors/enroll_start.hpp"
#include "factors/push/push_wait.hpp"
#include "mfa/wire/push_messages.hpp"

namespace mfa::daemon {
namespace {

Outcome refused(const RequestContext& ctx, const std::string& message) {
    return Outcome{ctx.error(wire::ErrorCode::refused, message), {}};
}

std::string approve_text(const FactorRecord& factor, int number) {
    return "Approve the request on \"" + factor.name + "\". Pick " + std::to_string(number) + " on the phone.";
}

}  // namespace

Awaitable<Outcome> PushFactor::enroll(const RequestContext& ctx, const wire::EnrollStart& request) const {
    if (ctx.state.config->push.provider == PushProvider::none)
        co_return refused(ctx, "push requests are not set up on this host (push.provider in mfad.yaml)");
    if (!wire::valid_device_id(request.destination))
        co_return refused(ctx, "--device: the provider's device id is letters, digits and . _ : / - (at most 128)");
    auto sealed = ctx.state.box->seal(
        request.user, kPushDeviceField,
        std::span(reinterpret_cast<const std::uint8_t*>(request.destination.data()), request.destination.size()));
    if (!sealed) co_return internal_error(ctx, sealed.error());
    FactorRecord pending;
    pending.name = request.name;
    pending.kind = std::string(kind());
    pending.sealed_secret = *sealed;
    NewFactor factor{std::string(kind()), request.name, std::move(*sealed), max_per_user()};
    auto started = co_await start_pending_factor(ctx, request.user, factor);
    if (!started.started) co_return std::move(*started.refusal);
    pending.id = started.factor_id;
    AuditEntry where{"", request.user, "", "mfactl", "", ctx.peer.uid, "purpose=enroll"};
    auto push = co_await start_push(ctx, request.user, pending, where, true);
    if (!push.wait) co_return refused(ctx, push.refusal);
    // ENROLL_CONFIRM on this connection waits for this answer; an earlier test request is over.
    if (ctx.connection.enrolling_push) ctx.connection.enrolling_push->stop();
    ctx.connection.enrolling_push = push.wait;
    co_return Outcome{wire::encode(wire::Done{"A test request went to \"" + request.name + "\". " +
                                              approve_text(pending, push.wait->number)},
                                   ctx.request_id),
                      {}};
}

std::string PushFactor::describe(const DaemonState&, std::string_view, const FactorRecord& factor) const {
    return "push to \"" + factor.name + "\"";
}

Awaitable<Challenge> PushFactor::challenge(const RequestContext& ctx, const LoginSession& login,
                                           const FactorRecord& factor) const {
    AuditEntry where{"", login.user, "", login.service, login.rhost, ctx.peer.uid, ""};
    auto push = co_await start_push(ctx, login.user, factor, where, false);
    if (!push.wait) co_return Challenge{"", "", push.refusal};
    // sshd shows a message only with the prompt that follows it, so the
    // number comes with one: Enter once approved, or Enter to go back.
    Challenge out{approve_text(factor, push.wait->number), "Press Enter once approved (before that: back to the menu): ", ""};
    out.push = std::move(push.wait);
    co_return out;
}

Awaitable<Result<std::optional<Claim>>> PushFactor::confirm(const RequestContext& ctx, const std::string& user,
                                                            const FactorRecord& factor, std::string_view,
                                                            std::int64_t) const {
    std::optional<Claim> proof;
    auto wait = ctx.connection.enrolling_push;
    if (wait && wait->factor_id == factor.id && wait->user == user) {
        auto limit = ctx.state.config->push.timeout + std::chrono::seconds(30);
        if (ctx.connection.hold_open) ctx.connection.hold_open(limit + std::chrono::seconds(5));
        // A second at a time: mfactl gone (Ctrl-C), nobody will confirm, so the push stops.
        auto until = std::chrono::steady_clock::now() + limit;
        while (wait->state == PushState::waiting && std::chrono::steady_clock::now() < until) {
            if (ctx.connection.peer_gone && ctx.connection.peer_gone()) {
                wait->stop();
                break;
            }
            co_await wait->settle(std::min<std::chrono::steady_clock::duration>(std::chrono::seconds(1),
                                                                                until - std::chrono::steady_clock::now()));
        }
        ctx.connection.enrolling_push.reset();
        if (wait->state == PushState::approved) proof = wait->claim();
    }
    co_return proof;
}

}  // namespace mfa::daemon
