#include "rekey_command.hpp"

#include <openssl/crypto.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "import/key_text.hpp"
#include "import/owned_file.hpp"
#include "mfa/utf8.hpp"
#include "mfa/wire/admin_messages.hpp"

namespace mfa::cli {
namespace {

constexpr std::size_t kKeyBytes = 32;

Result<wire::RekeyStatus> ask(wire::Client& client, wire::AdminRekey& request) {
    auto frame = wire::encode(request, client.next_request_id());
    OPENSSL_cleanse(request.key.data(), request.key.size());
    return call_and_decode(client, frame, wire::MessageType::rekey_status, wire::decode_rekey_status);
}

Output report(const wire::RekeyStatus& status, const std::string& new_key_file) {
    Output out;
    out.json = {{"old_key", status.old_key}, {"new_key", status.new_key}, {"resealed", status.resealed},
                {"finished", status.finished}, {"problem", status.problem}};
    if (status.remaining) out.json["remaining"] = *status.remaining;
    if (status.new_key.empty()) {
        out.text = "No key rotation is under way.\n";
        return out;
    }
    if (!status.problem.empty()) {
        out.text = "The rotation to key " + status.new_key + " stopped: " + printable(status.problem) +
                   "\nFix that, then run 'mfactl admin rekey --new-key FILE' with the same key to go on.\n";
        out.exit_code = 1;
        return out;
    }
    if (!status.finished) {
        out.text = "Re-sealing under key " + status.new_key + ": " + std::to_string(status.resealed) + " done" +
                   (status.remaining ? ", " + std::to_string(*status.remaining) + " left" : "") + ".\n";
        return out;
    }
    std::string file = new_key_file.empty() ? "the new key file" : new_key_file;
    out.text = "Every secret is sealed under key " + status.new_key + " (" + std::to_string(status.resealed) +
               " re-sealed). The old key " + status.old_key + " is no longer needed.\n"
               "Now: install " + file + " as mfad's key (the file LoadCredential= names, or key_file),\n"
               "restart mfad, then destroy the old key and its copies. mfad holds the new key only in\n"
               "memory until then, and will not start with the old one.\n";
    return out;
}

}  // namespace

CommandResult run_admin_rekey(const GlobalOptions& global, const std::string& new_key_file) {
    if (geteuid() != 0) return make_error("only root rotates mfad's key: run it as root");
    // Root's own file, as mfad --generate-key writes it.
    auto text = read_owned_file(new_key_file, FileRules{std::nullopt, {0}, 64});
    if (!text) return text.error();
    if (!*text) return make_error(new_key_file + ": no such file (make one with mfad --generate-key FILE)");
    if ((*text)->size() != kKeyBytes) {
        OPENSSL_cleanse((*text)->data(), (*text)->size());
        return make_error(new_key_file + ": a key is 32 bytes (make one with mfad --generate-key FILE)");
    }
    std::vector<std::uint8_t> key((*text)->begin(), (*text)->end());
    OPENSSL_cleanse((*text)->data(), (*text)->size());
    wire::AdminRekey request{key_to_wire(key)};
    auto client = connect_daemon(global);
    if (!client) {
        OPENSSL_cleanse(request.key.data(), request.key.size());
        return client.error();
    }
    auto status = ask(*client, request);
    // Batch by batch: a pause between them leaves the disk to logins.
    while (status && !status->finished && status->problem.empty()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        wire::AdminRekey poll;
        status = ask(*client, poll);
    }
    if (!status) return status.error();
    return report(*status, new_key_file);
}

CommandResult run_admin_rekey_status(const GlobalOptions& global) {
    auto client = connect_daemon(global);
    if (!client) return client.error();
    wire::AdminRekey poll;
    auto status = ask(*client, poll);
    if (!status) return status.error();
    return report(*status, "");
}

}  // namespace mfa::cli
