#include "token_commands.hpp"

#include <openssl/crypto.h>

#include <fstream>
#include <iterator>

#include "code_input.hpp"
#include "import/key_text.hpp"
#include "mfa/utf8.hpp"
#include "mfa/wire/admin_messages.hpp"
#include "mfa/wire/factor_messages.hpp"

namespace mfa::cli {
namespace {

Result<std::string> read_key_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(path + ": cannot read the key file");
    std::string text;
    char c = 0;
    while (text.size() <= 4096 && in.get(c)) text += c;
    if (text.size() > 4096) {
        OPENSSL_cleanse(text.data(), text.size());
        return make_error(path + ": too large for a key file");
    }
    return text;
}

}  // namespace

CommandResult run_enroll_hotp(const GlobalOptions& global, const EnrollHotpOptions& options) {
    auto user = user_or_self(options.user);
    if (!user) return user.error();
    auto text = read_key_file(options.secret_file);
    if (!text) return text.error();
    auto key = decode_key(*text, options.encoding == "base32" ? KeyEncoding::base32 : KeyEncoding::hex);
    OPENSSL_cleanse(text->data(), text->size());
    if (!key) return make_error(options.secret_file + ": " + key.error().message);
    wire::EnrollStart start{*user, "hotp", options.name, "", ""};
    start.secret = key_to_wire(*key);
    start.digits = static_cast<std::uint32_t>(options.digits);
    start.counter = options.counter;
    auto client = connect_daemon(global);
    if (!client) {
        OPENSSL_cleanse(start.secret.data(), start.secret.size());
        return client.error();
    }
    auto request = wire::encode(start, client->next_request_id());
    OPENSSL_cleanse(start.secret.data(), start.secret.size());
    auto done = call_and_decode(*client, request, wire::MessageType::done, wire::decode_done);
    if (!done) return done.error();
    Output out;
    out.json = {{"user", *user}, {"pending", true}, {"message", done->message}};
    out.text = printable(done->message) + "\n";
    return out;
}

CommandResult run_admin_resync(const GlobalOptions& global, ResyncOptions& options) {
    if (options.codes.empty()) {
        for (const char* prompt : {"First code from the token: ", "The token's next code: "}) {
            auto code = read_code(prompt);
            if (!code) return code.error();
            options.codes.push_back(std::move(*code));
        }
    }
    if (options.codes.size() != 2) return make_error("give two consecutive codes: --code C1 --code C2");
    auto client = connect_daemon(global);
    if (!client) return client.error();
    wire::AdminAction action{options.user, "resync", options.reason, 0, options.codes[0], options.codes[1], options.factor};
    auto request = wire::encode(action, client->next_request_id());
    auto done = call_and_decode(*client, request, wire::MessageType::done, wire::decode_done);
    if (!done) return done.error();
    Output out;
    out.json = {{"user", options.user}, {"action", "resync"}, {"message", done->message}};
    out.text = printable(done->message) + "\n";
    return out;
}

}  // namespace mfa::cli
