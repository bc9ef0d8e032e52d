#include "enrollment.hpp"

#include <chrono>
#include <stdexcept>
#include <thread>

#include "mfa/wire/client.hpp"
#include "mfa/wire/factor_messages.hpp"
#include "mfa/wire/login_messages.hpp"
#include "process.hpp"

namespace mfa::test {

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

namespace {

std::string oathtool(const std::vector<std::string>& argv) {
    auto out = run(argv, {"LD_PRELOAD="});
    if (out.exit_code != 0) throw std::runtime_error("oathtool failed: " + out.err);
    return out.out.substr(0, out.out.find('\n'));
}

}  // namespace

std::string oathtool_code(const std::string& base32_secret, std::int64_t when) {
    return oathtool_totp(base32_secret, when, 6, 30);
}

std::string oathtool_totp(const std::string& base32_secret, std::int64_t when, int digits, int step) {
    return oathtool({"oathtool", "--totp", "-b", "-d", std::to_string(digits), "--time-step-size=" + std::to_string(step) + "s",
                     "--now=@" + std::to_string(when), base32_secret});
}

std::string oathtool_hotp(const std::string& hex_key, std::uint64_t counter, int digits) {
    return oathtool({"oathtool", "--hotp", "-d", std::to_string(digits), "-c", std::to_string(counter), hex_key});
}

std::string enroll_user(const std::string& socket, const std::string& user, const std::string& name) {
    // The confirmation uses the previous step's code, which mfad accepts only
    // while it is still in the same step: keep clear of a step's last seconds.
    while (unix_now() % 30 >= 27) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto client = wire::Client::connect({socket, std::chrono::seconds(5), {0}});
    if (!client) throw std::runtime_error(client.error().message);
    auto start = wire::encode(wire::EnrollStart{user, "totp", name, "", ""}, client->next_request_id());
    auto reply = client->call(start);
    if (!reply) throw std::runtime_error(reply.error().message);
    auto secret = wire::decode_enroll_secret(*reply->fields());
    if (!secret) throw std::runtime_error(secret.error().message);
    // Named, so another pending factor of the user's (an admin's, say) is never in the way.
    auto confirm = wire::encode(wire::EnrollConfirm{user, oathtool_code(secret->secret, unix_now() - 30), name.empty() ? "app" : name},
                                client->next_request_id());
    auto done = client->call(confirm);
    if (!done) throw std::runtime_error(done.error().message);
    return secret->secret;
}

std::vector<std::string> new_backup_codes(const std::string& socket, const std::string& user) {
    auto client = wire::Client::connect({socket, std::chrono::seconds(5), {0}});
    if (!client) throw std::runtime_error(client.error().message);
    auto request = wire::encode(wire::MessageType::backup_codes_generate, wire::UserRequest{user}, client->next_request_id());
    auto reply = client->call(request);
    if (!reply) throw std::runtime_error(reply.error().message);
    auto set = wire::decode_backup_codes(*reply->fields());
    if (!set) throw std::runtime_error(set.error().message);
    return set->codes;
}

int number_to_pick(const std::string& shown) {
    // Not std::regex: g++ 12 warns inside <regex> under the sanitizer build.
    auto at = shown.find(". Pick ");
    if (at == std::string::npos || at + 9 > shown.size()) return 0;
    std::string digits = shown.substr(at + 7, 2);
    bool two = digits[0] >= '1' && digits[0] <= '9' && digits[1] >= '0' && digits[1] <= '9';
    return two && shown.compare(at + 9, 14, " on the phone.") == 0 ? std::stoi(digits) : 0;
}

}  // namespace mfa::test
