#include "auth/ip_network.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace mfa::daemon {
namespace {

// A numeric address as (v6, 16 bytes); IPv4-mapped IPv6 becomes IPv4.
std::optional<std::pair<bool, std::array<std::uint8_t, 16>>> parse_address(std::string_view text) {
    if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
    std::string copy(text);  // inet_pton needs the NUL, and refuses trailing bytes
    std::array<std::uint8_t, 16> bytes{};
    if (inet_pton(AF_INET, copy.c_str(), bytes.data()) == 1) return std::pair{false, bytes};
    in6_addr v6{};
    if (inet_pton(AF_INET6, copy.c_str(), &v6) != 1) return std::nullopt;
    if (IN6_IS_ADDR_V4MAPPED(&v6)) {
        std::memcpy(bytes.data(), &v6.s6_addr[12], 4);
        return std::pair{false, bytes};
    }
    std::memcpy(bytes.data(), v6.s6_addr, 16);
    return std::pair{true, bytes};
}

bool same_prefix(const std::array<std::uint8_t, 16>& a, const std::array<std::uint8_t, 16>& b, int prefix) {
    int whole = prefix / 8;
    if (!std::equal(a.begin(), a.begin() + whole, b.begin())) return false;
    int rest = prefix % 8;
    if (rest == 0) return true;
    auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
    return (a[static_cast<std::size_t>(whole)] & mask) == (b[static_cast<std::size_t>(whole)] & mask);
}

}  // namespace

std::optional<IpNetwork> IpNetwork::parse(std::string_view cidr, std::string& why) {
    auto slash = cidr.find('/');
    if (slash == std::string_view::npos) {
        why = "must be ADDRESS/PREFIX, like 10.0.0.0/8 or 2001:db8::/32";
        return std::nullopt;
    }
    std::string_view address = cidr.substr(0, slash);
    auto parsed = parse_address(address);
    if (!parsed) {
        why = "\"" + std::string(address) + "\" is not a numeric IPv4 or IPv6 address";
        return std::nullopt;
    }
    if (!parsed->first && address.find(':') != std::string_view::npos) {
        why = "write an IPv4-mapped network as IPv4";  // its prefix would count the 96 mapping bits
        return std::nullopt;
    }
    IpNetwork net{parsed->first, parsed->second, 0};
    std::string_view digits = cidr.substr(slash + 1);
    int width = net.v6 ? 128 : 32;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), net.prefix);
    if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || net.prefix < 1 ||
        net.prefix > width) {
        why = "the prefix must be 1 to " + std::to_string(width) + " (a /0 would trust every address)";
        return std::nullopt;
    }
    std::array<std::uint8_t, 16> masked{};
    for (int bit = 0; bit < net.prefix; ++bit)
        masked[static_cast<std::size_t>(bit / 8)] |= static_cast<std::uint8_t>(0x80 >> (bit % 8));
    for (std::size_t i = 0; i < 16; ++i)
        if ((net.bytes[i] & ~masked[i]) != 0) {
            why = "has host bits set after /" + std::to_string(net.prefix) + ": write the network's first address";
            return std::nullopt;
        }
    return net;
}

bool IpNetwork::contains(std::string_view rhost) const {
    auto address = parse_address(rhost);
    return address && address->first == v6 && same_prefix(address->second, bytes, prefix);
}

bool is_this_host(std::string_view rhost) {
    auto address = parse_address(rhost);
    if (!address) return false;
    const auto& [v6, bytes] = *address;
    static const std::array<std::uint8_t, 16> loopback6 = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    if ((!v6 && bytes[0] == 127) || (v6 && bytes == loopback6)) return true;
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) return true;  // cannot tell: treat it as here, so nothing is skipped
    bool here = false;
    for (ifaddrs* i = list; i != nullptr && !here; i = i->ifa_next) {
        if (i->ifa_addr == nullptr) continue;
        if (!v6 && i->ifa_addr->sa_family == AF_INET)
            here = std::memcmp(&reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr, bytes.data(), 4) == 0;
        if (v6 && i->ifa_addr->sa_family == AF_INET6)
            here = std::memcmp(&reinterpret_cast<sockaddr_in6*>(i->ifa_addr)->sin6_addr, bytes.data(), 16) == 0;
    }
    freeifaddrs(list);
    return here;
}

const TrustedNetwork* trusted_network_of(const std::vector<TrustedNetwork>& rules, std::string_view service,
                                         std::string_view rhost) {
    if (rhost.empty()) return nullptr;  // a local console is never "from a network"
    for (const auto& rule : rules)
        if (std::find(rule.services.begin(), rule.services.end(), service) != rule.services.end() &&
            rule.network.contains(rhost))
            return &rule;
    return nullptr;
}

}  // namespace mfa::daemon
