// One kind of second factor, behind one interface. The login state machine,
// enrollment, `mfactl factors` and the store's attempts go through it; a new
// kind is a new folder here and one line in factor_registry.cpp.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "mfa/wire/factor_messages.hpp"
#include "server/request_context.hpp"

namespace mfa::daemon {

struct PushWait;

// What a chosen factor shows at login: its prompt, or why it cannot be used
// now (a cap, the sender down), said to the person.
struct Challenge {
    std::string info;
    std::string prompt;
    std::string refusal;  // non-empty: no prompt; the menu comes back with this
    bool too_soon = false;  // refused because a code went out moments ago: that code still works
    std::shared_ptr<PushWait> push = {};  // a push sent: the login waits for its answer
};

class Factor {
public:
    virtual ~Factor() = default;

    virtual std::string_view kind() const = 0;
    // The name `mfactl enroll KIND` gives when no --name is given.
    virtual std::string_view default_name() const = 0;
    // Active factors of this kind one user may hold (0: up to kMaxFactors).
    virtual int max_per_user() const = 0;
    // The associated data its sealed secret is bound to (the key rotation re-seals by it).
    virtual std::string_view sealed_field() const = 0;

    // ENROLL_START for this kind: a pending factor, and what the person needs
    // to confirm it (a secret and QR code; a code sent to the phone).
    virtual Awaitable<Outcome> enroll(const RequestContext& ctx, const wire::EnrollStart& request) const = 0;

    // One line for the login menu and `mfactl factors`; never the secret, never a whole number.
    virtual std::string describe(const DaemonState& state, std::string_view user, const FactorRecord& factor) const = 0;

    // Does a code typed at the menu, before any was asked for, go to this kind?
    virtual bool takes_unprompted_codes() const = 0;

    // Chosen at login (or the only factor): the prompt, after sending a code
    // if the kind sends one.
    virtual Awaitable<Challenge> challenge(const RequestContext& ctx, const LoginSession& login,
                                           const FactorRecord& factor) const = 0;

    // An answer at this factor's prompt that asks for something instead of
    // being a code ("r": send a new code).
    virtual bool is_resend_request(std::string_view answer) const = 0;

    // What `code` would spend on `factor`, if it can be that factor's code.
    // The crypto only: the store decides in its transaction (replay, tries, use).
    virtual Result<std::optional<Claim>> verify(const DaemonState& state, std::string_view user,
                                                const FactorRecord& factor, std::string_view code, std::int64_t now) const = 0;

    // ENROLL_CONFIRM: what proves a pending factor. A code, checked by
    // verify(); a push kind waits for its test request's answer instead.
    virtual Awaitable<Result<std::optional<Claim>>> confirm(const RequestContext& ctx, const std::string& user,
                                                            const FactorRecord& factor, std::string_view code,
                                                            std::int64_t now) const {
        co_return verify(ctx.state, user, factor, code, now);
    }
};

}  // namespace mfa::daemon
