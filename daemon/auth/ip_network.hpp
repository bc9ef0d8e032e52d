// policy.trusted_networks: numeric networks whose logins, for named PAM
// services, skip the second factor. Only a numeric PAM_RHOST can match: a host
// name is whatever the client's DNS says (pam_access CVE-2024-10963).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mfa::daemon {

struct IpNetwork {
    bool v6 = false;
    std::array<std::uint8_t, 16> bytes{};  // IPv4 in the first 4
    int prefix = 0;

    // "ADDRESS/PREFIX" with no host bits set; IPv4-mapped IPv6 is refused
    // (write it as IPv4). `why` says what is wrong.
    static std::optional<IpNetwork> parse(std::string_view cidr, std::string& why);
    // Is `rhost` a numeric address inside? A name, an empty string, a zone
    // index or anything inet_pton refuses never is. ::ffff:a.b.c.d counts as IPv4.
    bool contains(std::string_view rhost) const;
};

struct TrustedNetwork {
    std::string cidr;  // as written, for the audit row
    IpNetwork network;
    std::vector<std::string> services;  // PAM service names, compared exactly
};

// Is `rhost` this host: a loopback address, or one of its interfaces? A
// login "from" here was made by someone already on the host (a local user
// running ssh to it), so no network rule may skip the second factor for it.
bool is_this_host(std::string_view rhost);

// The rule a login from `rhost` to `service` matches, or nullptr.
const TrustedNetwork* trusted_network_of(const std::vector<TrustedNetwork>& rules, std::string_view service,
                                         std::string_view rhost);

}  // namespace mfa::daemon
