#include "import_commands.hpp"

#include <openssl/crypto.h>
#include <pwd.h>
#include <unistd.h>

#include "import/google_authenticator_file.hpp"
#include "import/oath_usersfile.hpp"
#include "import/owned_file.hpp"
#include "mfa/utf8.hpp"

namespace mfa::cli {
namespace {

struct Account {
    std::string name;
    uid_t uid = 0;
    gid_t gid = 0;
    std::string home;
};

Account account_of(const passwd& pw) { return Account{pw.pw_name, pw.pw_uid, pw.pw_gid, pw.pw_dir}; }

// One user's outcome, for the text and the JSON.
class Report {
public:
    void add(const std::string& user, const std::string& result, const std::string& message,
             const std::vector<std::string>& notes = {}) {
        std::string line = printable(message);
        for (const auto& note : notes) line += "\n    kept differently: " + printable(note);
        out_.text += line + "\n";
        out_.json["users"].push_back({{"user", user}, {"result", result}, {"message", message}, {"notes", notes}});
        if (result == "refused" || result == "malformed" || result == "error") out_.exit_code = 1;
        ++counts_[result];
    }
    Output finish(bool commit) {
        if (!out_.json.contains("users")) out_.json["users"] = nlohmann::json::array();
        out_.json["commit"] = commit;
        std::string summary;
        for (const auto& [result, n] : counts_) summary += (summary.empty() ? "" : ", ") + std::to_string(n) + " " + result;
        out_.text += (summary.empty() ? "nothing to import" : summary) +
                     (commit ? "\n" : "\nA dry run: nothing was written. Add --commit to import.\n");
        return std::move(out_);
    }

private:
    Output out_;
    std::map<std::string, int> counts_;
};

// mfad's answer to one request: "imported", "would_import", "skipped" or "refused".
void send(wire::Client& client, wire::ImportFactor& request, const std::vector<std::string>& notes, Report& report) {
    auto frame = wire::encode(request, client.next_request_id());
    OPENSSL_cleanse(request.secret.data(), request.secret.size());
    for (auto& code : request.codes) OPENSSL_cleanse(code.data(), code.size());
    auto done = call_and_decode(client, frame, wire::MessageType::done, wire::decode_done);
    if (!done) {
        report.add(request.user, "refused", request.user + ": " + done.error().message);
        return;
    }
    const std::string& message = done->message;
    std::string result = message.find("skipped") != std::string::npos ? "skipped"
                         : request.commit                               ? "imported"
                                                                        : "would_import";
    report.add(request.user, result, message, result == "skipped" ? std::vector<std::string>{} : notes);
}

Result<std::vector<Account>> selected_accounts(const ImportOptions& options) {
    std::vector<Account> out;
    if (!options.all) {
        const passwd* pw = getpwnam(options.user.c_str());
        if (pw == nullptr) return make_error("no such user: " + options.user);
        out.push_back(account_of(*pw));
        return out;
    }
    setpwent();
    while (const passwd* pw = getpwent()) out.push_back(account_of(*pw));
    endpwent();
    return out;
}

Result<void> must_be_root() {
    if (geteuid() != 0) return make_error("import reads other accounts' files and mfad takes it from root only: run it as root");
    return {};
}

}  // namespace

CommandResult run_import_google_authenticator(const GlobalOptions& global, const ImportOptions& options) {
    if (auto root = must_be_root(); !root) return root.error();
    if (options.all == !options.user.empty()) return make_error("name one user with --user, or --all");
    if (options.all && !options.file.empty()) return make_error("--file is one user's file: use it with --user");
    auto accounts = selected_accounts(options);
    if (!accounts) return accounts.error();
    auto client = connect_daemon(global);
    if (!client) return client.error();
    Report report;
    for (const auto& account : *accounts) {
        std::string path = options.file.empty() ? account.home + "/.google_authenticator" : options.file;
        // A central file (secret=/var/lib/...) may be root's; one in a home is the user's.
        FileRules rules{std::pair{account.uid, account.gid}, {account.uid}};
        if (!options.file.empty()) rules.owners.push_back(0);
        auto text = read_owned_file(path, rules);
        if (!text) {
            report.add(account.name, "refused", account.name + ": not imported: " + text.error().message);
            continue;
        }
        if (!*text) {
            if (!options.all) report.add(account.name, "refused", account.name + ": not imported: " + path + ": no such file");
            continue;
        }
        auto parsed = parse_google_authenticator_file(**text, path);
        OPENSSL_cleanse((*text)->data(), (*text)->size());
        if (!parsed) {
            report.add(account.name, "malformed", account.name + ": not imported: " + parsed.error().message);
            continue;
        }
        std::vector<std::string> notes;
        auto request = google_authenticator_import(*parsed, account.name, notes);
        OPENSSL_cleanse(parsed->secret.data(), parsed->secret.size());
        for (auto& code : parsed->scratch_codes) OPENSSL_cleanse(code.data(), code.size());
        request.commit = options.commit;
        request.uid = static_cast<std::uint32_t>(account.uid);
        send(*client, request, notes, report);
    }
    return report.finish(options.commit);
}

CommandResult run_import_oath(const GlobalOptions& global, const ImportOptions& options) {
    if (auto root = must_be_root(); !root) return root.error();
    // pam_oath's own file: root's, and no one else's business.
    auto text = read_owned_file(options.usersfile, FileRules{std::nullopt, {0}, 4 * 1024 * 1024});
    if (!text) return text.error();
    if (!*text) return make_error(options.usersfile + ": no such file");
    auto users = parse_oath_usersfile(**text, options.usersfile);
    OPENSSL_cleanse((*text)->data(), (*text)->size());
    if (!users) return users.error();
    auto client = connect_daemon(global);
    if (!client) return client.error();
    Report report;
    for (auto& [name, user] : *users) {
        if (!options.user.empty() && name != options.user) {
            OPENSSL_cleanse(user.request.secret.data(), user.request.secret.size());
            continue;
        }
        if (!user.problem.empty()) {
            report.add(name, "malformed", name + ": not imported: " + user.problem);
            continue;
        }
        user.request.commit = options.commit;
        send(*client, user.request, user.notes, report);
    }
    if (!options.user.empty() && users->find(options.user) == users->end())
        report.add(options.user, "refused", options.user + ": not imported: not in " + options.usersfile);
    return report.finish(options.commit);
}

}  // namespace mfa::cli
