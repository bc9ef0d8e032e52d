// OATH event tokens (RFC 4226): hardware tokens and imported HOTP secrets.
// Each code is made from a counter; a code is accepted once, and only ahead of
// the last one used, by compare-and-set on the factor's last_step.
#pragma once

#include "factors/factor.hpp"

namespace mfa::daemon {

inline constexpr std::string_view kHotpSecretField = "hotp";  // the sealed key's associated data
inline constexpr std::size_t kMinHotpKeyBytes = 16;           // RFC 4226 R6: at least 128 bits
inline constexpr std::size_t kMaxHotpKeyBytes = 64;
// How far ahead `mfactl admin resync` looks for the token's two codes.
inline constexpr std::int64_t kHotpResyncWindow = 1000;

class HotpFactor final : public Factor {
public:
    std::string_view kind() const override { return "hotp"; }
    std::string_view default_name() const override { return "token"; }
    int max_per_user() const override { return 0; }
    std::string_view sealed_field() const override { return kHotpSecretField; }
    // Admins only (root, admin_group): a token's key comes from whoever issued the token.
    Awaitable<Outcome> enroll(const RequestContext& ctx, const wire::EnrollStart& request) const override;
    std::string describe(const DaemonState& state, std::string_view user, const FactorRecord& factor) const override;
    bool takes_unprompted_codes() const override { return true; }
    Awaitable<Challenge> challenge(const RequestContext& ctx, const LoginSession& login,
                                   const FactorRecord& factor) const override;
    bool is_resend_request(std::string_view) const override { return false; }
    Result<std::optional<Claim>> verify(const DaemonState& state, std::string_view user, const FactorRecord& factor,
                                        std::string_view code, std::int64_t now) const override;
};

// The counter of `next_code` when `code` and `next_code` are the token's
// codes for two consecutive counters within kHotpResyncWindow ahead of the
// last one used; nullopt when they are not.
Result<std::optional<std::int64_t>> find_hotp_pair(const DaemonState& state, std::string_view user,
                                                   const FactorRecord& factor, std::string_view code,
                                                   std::string_view next_code);

// The name of `user`'s token (pending or active) with this key; "" when none.
Result<std::string> token_holding(const DaemonState& state, const std::optional<UserRecord>& record, std::string_view user,
                                  std::span<const std::uint8_t> key);

// The digits a token's codes have.
int hotp_digits(const FactorRecord& factor);

}  // namespace mfa::daemon
