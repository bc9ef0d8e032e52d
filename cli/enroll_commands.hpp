#pragma once

#include <string>

#include "command.hpp"
#include "daemon_connection.hpp"

namespace mfa::cli {

struct EnrollTotpOptions {
    std::string user;    // empty: the invoking user
    std::string name;    // empty: mfad's default ("app")
    std::string qr_png;  // empty: no PNG
};

// Starts TOTP enrollment: prints the secret, the otpauth URI and the QR code.
CommandResult run_enroll_totp(const GlobalOptions& global, const EnrollTotpOptions& options);

struct EnrollSmsOptions {
    std::string user;
    std::string name;   // empty: mfad's default ("sms")
    std::string phone;  // +E164
};

struct EnrollPushOptions {
    std::string user;
    std::string name;    // empty: mfad's default ("phone")
    std::string device;  // the push provider's id for the device
};

// Enrolls a push device: mfad sends it a test request and the approval with
// the number shown activates it; this waits for that answer.
CommandResult run_enroll_push(const GlobalOptions& global, const EnrollPushOptions& options);

// Starts SMS enrollment: mfad texts a code to the phone.
CommandResult run_enroll_sms(const GlobalOptions& global, const EnrollSmsOptions& options);

struct EnrollConfirmOptions {
    std::string user;
    std::string code;    // empty: read from the terminal or stdin (--code shows in ps)
    std::string factor;  // empty: the only pending factor
};

// Activates a pending factor with a code from it (the app, or the text message).
CommandResult run_enroll_confirm(const GlobalOptions& global, const EnrollConfirmOptions& options);

// mfactl backup-codes generate [--user U]: a new set, shown once. Anyone but
// root proves possession with a current code, read from the terminal or stdin.
CommandResult run_backup_codes_generate(const GlobalOptions& global, const std::string& user);

// A user adding a factor (or a recovery address) to their own account proves
// a current one first: a code from an authenticator app, or a backup code
// (asked only when they have an active factor). Root and admins never do.
Result<std::string> proof_for_new_factor(wire::Client& client, const std::string& user);

}  // namespace mfa::cli
