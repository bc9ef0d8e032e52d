// mfactl: enrollment and administration. Exit codes: 0 ok, 1 refused or failed, 2 usage.
#include <CLI/CLI.hpp>

#include <iostream>

#include "admin_commands.hpp"
#include "daemon_connection.hpp"
#include "disable_command.hpp"
#include "enroll_commands.hpp"
#include "factor_commands.hpp"
#include "import_commands.hpp"
#include "recovery_email_commands.hpp"
#include "rekey_command.hpp"
#include "mfa/utf8.hpp"
#include "mfa/wire/factor_messages.hpp"
#include "ping_command.hpp"
#include "stats_command.hpp"
#include "status_command.hpp"
#include "token_commands.hpp"

int main(int argc, char** argv) {
    using namespace mfa::cli;
    CLI::App app{"mfactl: enroll and administer second factors through mfad", "mfactl"};
    app.require_subcommand(1);
    GlobalOptions options;
    app.add_option("--socket", options.socket, "mfad's socket")->capture_default_str();
    app.add_flag("--json", options.json, "print one JSON object, for scripts");
    auto* ping = app.add_subcommand("ping", "check that mfad answers; print its version and the round trip");

    auto* enroll = app.add_subcommand("enroll", "enroll a second factor");
    enroll->require_subcommand(1);
    EnrollTotpOptions totp;
    auto* enroll_totp = enroll->add_subcommand("totp", "start enrolling an authenticator app: secret, URI, QR code");
    enroll_totp->add_option("--user", totp.user, "the user (root and admin_group only; default: you)");
    auto factor_name = CLI::Validator(
        [](std::string& value) {
            return mfa::wire::valid_factor_name(value) ? std::string()
                                                       : std::string("1 to 32 of A-Z a-z 0-9 . _ -, starting with a letter or digit");
        },
        "NAME");
    enroll_totp->add_option("--name", totp.name, "a name for this authenticator, e.g. tablet (default: app)")
        ->check(factor_name);
    // Checked before anything happens: the name is printed back, and --json must be able to say it.
    auto text_name = CLI::Validator(
        [](std::string& value) {
            return mfa::valid_identifier_text(value) ? std::string() : std::string("must be UTF-8 without control characters");
        },
        "FILE");
    enroll_totp->add_option("--qr-png", totp.qr_png, "also write the QR code to this new PNG file (mode 0600)")
        ->check(text_name);
    EnrollSmsOptions sms;
    auto* enroll_sms = enroll->add_subcommand("sms", "start enrolling a phone for text-message codes: a code is texted to it");
    enroll_sms->add_option("--phone", sms.phone, "the number in international form, e.g. +14155550123")->required();
    enroll_sms->add_option("--name", sms.name, "a name for this phone (default: sms)")->check(factor_name);
    enroll_sms->add_option("--user", sms.user, "the user (root and admin_group only; default: you)");
    EnrollHotpOptions hotp;
    EnrollPushOptions push;
    auto* enroll_push = enroll->add_subcommand("push", "enroll a phone for push approval: approve the test request it gets");
    enroll_push->add_option("--device", push.device, "the push provider's id for the phone (twilio-verify: IDENTITY/FACTOR_SID)")
        ->required();
    enroll_push->add_option("--name", push.name, "a name for this phone, e.g. \"Pixel 8\" (default: phone)")->check(factor_name);
    enroll_push->add_option("--user", push.user, "the user (root and admin_group only; default: you)");
    auto* enroll_hotp = enroll->add_subcommand("hotp", "add an OATH event token (RFC 4226) from its key file: root and admin_group only");
    enroll_hotp->add_option("--secret-file", hotp.secret_file, "the token's key, as its vendor ships it")->required();
    enroll_hotp->add_option("--encoding", hotp.encoding, "how the file writes the key")
        ->capture_default_str()
        ->check(CLI::IsMember({"hex", "base32"}));
    enroll_hotp->add_option("--digits", hotp.digits, "digits per code")->capture_default_str()->check(CLI::Range(6, 8));
    enroll_hotp->add_option("--counter", hotp.counter, "the counter its next code comes from (a new token: 0)")
        ->capture_default_str();
    enroll_hotp->add_option("--name", hotp.name, "a name for this token (default: token)")->check(factor_name);
    enroll_hotp->add_option("--user", hotp.user, "the user (default: you)");
    EnrollConfirmOptions confirm;
    auto* enroll_confirm = enroll->add_subcommand("confirm", "activate a pending factor with a code from it");
    enroll_confirm->add_option("--code", confirm.code,
                               "the code the app shows (visible to other users in ps: leave it out to be asked, "
                               "or pipe it on stdin)");
    enroll_confirm->add_option("--user", confirm.user, "the user (root and admin_group only; default: you)");
    enroll_confirm->add_option("--factor", confirm.factor, "the pending factor's name (default: the only pending one)")
        ->check(factor_name);

    std::string factors_user;
    auto* factors = app.add_subcommand("factors", "list a user's factors; the primary is the login menu's default");
    factors->add_option("--user", factors_user, "the user (root and admin_group only; default: you)");
    FactorChangeOptions change;
    auto* factor = app.add_subcommand("factor", "manage one factor");
    factor->require_subcommand(1);
    auto* factor_primary = factor->add_subcommand("primary", "make NAME the login menu's default");
    auto* factor_remove = factor->add_subcommand(
        "remove", "remove NAME; you are asked for a code from another of your factors (an admin gives --reason)");
    for (auto* sub : {factor_primary, factor_remove}) {
        sub->add_option("NAME", change.name, "the factor's name, as 'mfactl factors' shows it")->required()->check(factor_name);
        sub->add_option("--user", change.user, "the user (root and admin_group only; default: you)");
    }
    factor_remove->add_option("--reason", change.reason, "an administrator's reason, kept in the audit log (never a real name)");

    std::string status_user;
    auto* status = app.add_subcommand("status", "show a user's factors, last verification, failures and lock");
    status->add_option("--user", status_user, "the user (root and admin_group only; default: you)");

    auto* admin = app.add_subcommand("admin", "administration: root and admin_group only");
    admin->require_subcommand(1);
    std::string admin_user, admin_reason;
    const char* reason_help = "why (a ticket number, say); never the user's real name: it is kept in the audit log";
    auto* unlock = admin->add_subcommand("unlock", "clear a user's lock and failure count");
    unlock->add_option("--user", admin_user, "the user")->required();
    unlock->add_option("--reason", admin_reason, reason_help);
    auto* reset = admin->add_subcommand("reset", "remove a user's factors, so the next login must enroll");
    reset->add_option("--user", admin_user, "the user")->required();
    reset->add_option("--reason", admin_reason, reason_help);
    std::string grace_until;
    auto* grace = admin->add_subcommand(
        "grace", "let a user without a factor put enrollment at login off until a time (none: back to enrollment.grace)");
    grace->add_option("--user", admin_user, "the user")->required();
    grace->add_option("--until", grace_until, "2026-12-31, 2026-12-31T18:00:00Z, a duration from now like 14d, or none")
        ->required();
    grace->add_option("--reason", admin_reason, reason_help);

    ResyncOptions resync;
    auto* resync_cmd = admin->add_subcommand(
        "resync", "bring an OATH token's counter forward: two consecutive codes, up to 1000 presses ahead");
    resync_cmd->add_option("--user", resync.user, "the user")->required();
    resync_cmd->add_option("--code", resync.codes,
                           "a code, then the next one (twice; leave both out to be asked, so they stay out of ps)")
        ->expected(0, 2);
    resync_cmd->add_option("--factor", resync.factor, "the token's name (default: the user's only token)")->check(factor_name);
    resync_cmd->add_option("--reason", resync.reason, reason_help);

    std::string new_key_file;
    bool rekey_status_only = false;
    auto* rekey = admin->add_subcommand(
        "rekey", "re-seal every secret under a new key while logins go on (root only); waits, then says what is next");
    auto* rekey_key = rekey->add_option("--new-key", new_key_file, "the new key, from mfad --generate-key FILE");
    auto* rekey_status = rekey->add_flag("--status", rekey_status_only, "how far the rotation under way is");
    rekey_key->excludes(rekey_status);
    rekey->require_option(1);

    std::string migrate_to;
    bool migrate_commit = false;
    auto* migrate = admin->add_subcommand(
        "migrate-store", "copy this host's SQLite store into the PostgreSQL one of store.postgresql (root only); a dry run unless --commit");
    migrate->add_option("--to", migrate_to, "the store to copy into")->required()->check(CLI::IsMember({"postgresql"}));
    migrate->add_flag("--commit", migrate_commit, "copy (one transaction); without it nothing is written");
    migrate->footer(
        "Set store.postgresql (keeping store.backend: sqlite), reload mfad, then run this. Logins wait while the rows are "
        "copied. Afterwards this mfad takes no more logins until store.backend is postgresql and it is restarted.");

    ImportOptions import;
    auto* import_cmd = app.add_subcommand("import", "bring tokens over from another PAM module (root only); a dry run unless --commit");
    import_cmd->require_subcommand(1);
    auto* import_ga = import_cmd->add_subcommand(
        "google-authenticator", "import ~USER/.google_authenticator: the secret, its settings, used codes and scratch codes");
    auto* ga_user = import_ga->add_option("--user", import.user, "one user");
    auto* ga_all = import_ga->add_flag("--all", import.all, "every account NSS lists that has the file");
    ga_user->excludes(ga_all);
    import_ga->add_option("--file", import.file, "read this file for --user (pam_google_authenticator's secret=)");
    auto* import_oath = import_cmd->add_subcommand("oath", "import pam_oath's usersfile: HOTP and TOTP tokens with their counters");
    import_oath->add_option("--usersfile", import.usersfile, "the usersfile")->required();
    import_oath->add_option("--user", import.user, "only this user");
    for (auto* sub : {import_ga, import_oath})
        sub->add_flag("--commit", import.commit, "import (one transaction per user); without it nothing changes");

    RecoveryEmailOptions recovery;
    auto* recovery_email = app.add_subcommand("recovery-email", "the address that can reset your second factor if you lose it");
    recovery_email->require_subcommand(1);
    auto* recovery_set = recovery_email->add_subcommand("set", "send a code to a new address; it counts once confirmed");
    recovery_set->add_option("--address", recovery.address, "a plain address: user@example.com")->required();
    auto* recovery_confirm = recovery_email->add_subcommand("confirm", "confirm the new address with the code mailed to it");
    recovery_confirm->add_option("--code", recovery.code, "the code from the email")->required();
    for (auto* sub : {recovery_set, recovery_confirm})
        sub->add_option("--user", recovery.user, "the user (root only; default: you)");

    mfa::wire::AdminDisable disable;
    auto* disable_cmd = admin->add_subcommand(
        "disable", "help-desk lockout resolution: remove a user's factors and backup codes, clear the lock, and let "
                   "them log in without a second factor until they enroll again. A dry run unless --commit.");
    disable_cmd->add_option("--user", disable.user, "the user")->required();
    disable_cmd->add_option("--ticket", disable.ticket, "the help-desk ticket, or \"None Provided\"")->required();
    disable_cmd->add_option("--reason", disable.reason, "why, or \"None Provided\"; NEVER the user's real name")->required();
    disable_cmd->add_option("--operator", disable.operator_email, "your email address, as the operator")->required();
    disable_cmd->add_option("--verification-method", disable.method, "how you verified the user")
        ->required()
        ->check(CLI::IsMember({"with-claim", "without-claim", "none-provided"}));
    disable_cmd->add_flag("--commit", disable.commit, "apply the changes (one transaction); without it nothing changes");
    disable_cmd->footer(
        "PRIVACY: do not put the user's real name, phone number or other personal data in --reason or --ticket.\n"
        "They are kept in the audit log, which is kept for good. Use the login name and the ticket id.");

    std::string backup_user;
    auto* backup = app.add_subcommand("backup-codes", "one-time codes for when the phone is lost");
    backup->require_subcommand(1);
    auto* backup_generate = backup->add_subcommand("generate", "make a new set, shown once; any earlier set stops working");
    backup_generate->add_option("--user", backup_user, "the user (root and admin_group only; default: you)");

    auto* stats = app.add_subcommand("stats", "mfad's counters since it started (no user names)");

    auto* audit = app.add_subcommand("audit", "the audit log");
    audit->require_subcommand(1);
    auto* audit_verify = audit->add_subcommand("verify", "walk the hash chain; name the first broken row");
    AuditListOptions list;
    auto* audit_list = audit->add_subcommand("list", "show audit rows, oldest first");
    audit_list->add_option("--user", list.user, "only this user's rows");
    audit_list->add_option("--since", list.since, "from this time on: 2026-11-22, 2026-11-22T08:00:00Z, or 30m, 2h, 7d ago");
    audit_list->add_option("--event", list.event, "only this event, e.g. verify_fail, lockout, unlock");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return 2;
    }

    if (*disable_cmd) {
        if (auto problem = mfa::wire::disable_request_problem(disable); !problem.empty()) {
            std::cerr << "mfactl: " << problem << "\n";
            return 2;
        }
    }

    CommandResult result = mfa::make_error("no command");
    if (*ping) result = run_ping(options);
    if (*enroll_totp) result = run_enroll_totp(options, totp);
    if (*enroll_sms) result = run_enroll_sms(options, sms);
    if (*enroll_push) result = run_enroll_push(options, push);
    if (*enroll_confirm) result = run_enroll_confirm(options, confirm);
    if (*enroll_hotp) result = run_enroll_hotp(options, hotp);
    if (*resync_cmd) result = run_admin_resync(options, resync);
    if (*migrate) result = run_admin_migrate_store(options, migrate_to, migrate_commit);
    if (*rekey) result = rekey_status_only ? run_admin_rekey_status(options) : run_admin_rekey(options, new_key_file);
    if (*import_ga) result = run_import_google_authenticator(options, import);
    if (*import_oath) result = run_import_oath(options, import);
    if (*factors) result = run_factors_list(options, factors_user);
    if (*factor_primary) result = run_factor_primary(options, change);
    if (*factor_remove) result = run_factor_remove(options, change);
    if (*status) result = run_status(options, status_user);
    if (*unlock) result = run_admin_action(options, "unlock", admin_user, admin_reason);
    if (*reset) result = run_admin_action(options, "reset", admin_user, admin_reason);
    if (*grace) result = run_admin_grace(options, admin_user, grace_until, admin_reason);
    if (*recovery_set) result = run_recovery_email_set(options, recovery);
    if (*recovery_confirm) result = run_recovery_email_confirm(options, recovery);
    if (*disable_cmd) result = run_admin_disable(options, disable);
    if (*backup_generate) result = run_backup_codes_generate(options, backup_user);
    if (*stats) result = run_stats(options);
    if (*audit_verify) result = run_audit_verify(options);
    if (*audit_list) result = run_audit_list(options, list);
    if (!result) {
        std::cerr << "mfactl: " << mfa::printable(result.error().message) << "\n";
        return 1;
    }
    // Replace, never throw: a byte that is not UTF-8 must not lose output whose side effects already happened.
    if (options.json)
        std::cout << result->json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    else
        std::cout << result->text;
    return result->exit_code;
}
