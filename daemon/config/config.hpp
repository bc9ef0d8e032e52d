// The typed form of /etc/mfad/mfad.yaml; defaults are the documented ones.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "auth/ip_network.hpp"
#include "mfa/otp.hpp"

namespace mfa::daemon {

using Seconds = std::chrono::seconds;

enum class Durability { full, normal };
enum class StoreBackend { sqlite, postgresql };
enum class SmsProvider { none, command, http };
enum class PushProvider { none, command, http };

struct Config {
    std::string socket = "/run/mfad/mfad.sock";
    std::string database = "/var/lib/mfad/mfad.db";  // the SQLite store's file

    // Where state lives: this host's SQLite file (database, durability), or a
    // PostgreSQL database that a fleet of hosts shares.
    struct Store {
        StoreBackend backend = StoreBackend::sqlite;
        std::string conninfo;             // libpq's: keywords or a URI; never a password
        std::string password_credential;  // $CREDENTIALS_DIRECTORY/NAME or an absolute path; "": ~/.pgpass, a certificate
    } store;
    std::string key_file = "/etc/mfad/mfad.key";
    std::string issuer = "mfad";
    std::string admin_group = "mfa-admins";

    struct Totp {
        int digits = 6;
        int period = 30;
        int window = 1;
        otp::Algorithm algorithm = otp::Algorithm::sha1;
    } totp;

    // OATH tokens (RFC 4226): how many codes ahead of the last one used a
    // code may be (presses that never reached a login).
    struct Hotp {
        int window = 10;
    } hotp;

    struct BackupCodes {
        int count = 8;
        int length = 10;
    } backup_codes;

    struct Lockout {
        int max_failures = 4;
        Seconds duration{300};
    } lockout;

    // How long `mfactl admin disable` lets a user log in without a second
    // factor, unless they enroll again first (not in the original design: an
    // open-ended exemption would outlive the help-desk call it was for).
    struct Disable {
        Seconds duration{86400};
    } disable;

    // The sender, mfad-notify: where mfad reaches it and how long it waits.
    struct Notify {
        std::string socket = "/run/mfad-notify/notify.sock";
        Seconds timeout{8};  // under pam_mfa.so's default timeout (10 s), so a slow provider is a clear "not sent"
        std::string client_user = "mfad";  // the only peer mfad-notify serves
    } notify;

    struct SmsHttp {
        std::string preset;  // "twilio" or empty
        std::string url;     // https://...
        bool json = false;   // the body: a form (false) or a JSON object
        std::vector<std::pair<std::string, std::string>> fields;  // name -> template ({phone}, {text})
        std::string auth = "none";  // none | bearer | basic
        std::string username;       // basic
        std::string credential;     // a systemd credential name, or an absolute path to a 0600 file
        std::string ca_file;        // empty: the system CAs
        std::string message_id;     // the JSON reply's field with the provider's message id
        std::string account_sid;    // twilio
        std::string from;           // twilio
    };

    struct Sms {
        SmsProvider provider = SmsProvider::none;
        std::vector<std::string> command;
        SmsHttp http;
        Seconds timeout{5};  // one provider call, then it is killed or dropped
        Seconds code_ttl{300};
        Seconds resend_after{30};
        int max_per_user_per_hour = 5;
        int max_per_user_per_day = 10;
        int max_per_number_per_day = 10;
        int max_per_hour = 1000;  // all users: the toll-fraud ceiling
    } sms;

    // Push approval through mfad-notify. `http` is mfad's JSON API (create,
    // then poll) or the twilio-verify preset (Verify Push challenges).
    struct PushHttp {
        std::string preset;       // "twilio-verify" or empty
        std::string url;          // the create URL; twilio-verify: the service's, from service_sid
        std::string service_sid;  // twilio-verify
        std::string auth = "none";  // none | bearer | basic
        std::string username;
        std::string credential;  // a systemd credential name, or an absolute path to a 0600 file
        std::string ca_file;
    };

    struct Push {
        PushProvider provider = PushProvider::none;
        std::vector<std::string> command;
        PushHttp http;
        Seconds timeout{60};  // how long a push waits for its answer
        int max_unanswered = 3;  // unanswered or denied in a row, then push pauses for lockout.duration
        int max_per_user_per_hour = 10;
        int max_per_user_per_day = 30;
        int max_per_hour = 1000;  // all users
    } push;

    // Users who have never enrolled: how long after the first login mfad saw
    // they may still put enrollment off (0: no grace).
    struct Enrollment {
        Seconds grace{0};
    } enrollment;

    // mfad-notify's email channel: a sendmail-compatible program (no shell),
    // the message on stdin.
    struct Email {
        std::vector<std::string> sendmail{"/usr/sbin/sendmail", "-t", "-i"};
        std::string from = "mfad@localhost.localdomain";
        Seconds timeout{5};  // one sendmail run, then it is killed (under notify.timeout)
    } email;

    // Self-serve recovery by email ("I lost my device"). Off by default: with
    // it on, the password and the mailbox together replace the second factor.
    struct Recovery {
        bool email = false;
        Seconds code_ttl{900};
        int max_per_day = 3;  // codes (and address verifications) per user per day
    } recovery;

    // Who is asked for a second factor: members of exempt_groups never are
    // (break-glass, service accounts); with require_groups, only members are;
    // logins from a trusted network to one of its services are not.
    struct Policy {
        std::vector<std::string> require_groups;
        std::vector<std::string> exempt_groups;
        Seconds group_cache{60};  // how long NSS's answer about a membership is kept
        // Logins from these numeric networks, to these services, skip it (off when empty).
        std::vector<TrustedNetwork> trusted_networks;
    } policy;

    // mfactl admin rekey re-seals this many secrets per transaction, then
    // pauses, so logins keep the disk on a busy host.
    struct Rekey {
        int batch = 200;
        int pause_ms = 10;
    } rekey;

    struct Metrics {
        std::string textfile;  // empty: no textfile
        Seconds interval{30};
    } metrics;

    // Limits of the socket server (not in the original design: a daemon every
    // local user can reach needs both).
    // The last max/8 connections are kept for root's peers (mfactl, sshd), so
    // other users together cannot fill the daemon.
    struct Connections {
        int max = 256;
        int max_per_user = 8;  // for peers other than root, so one user cannot starve logins
        Seconds idle_timeout{30};
        // How long a login may wait for the person to answer; sshd's LoginGraceTime is 120 s.
        Seconds login_timeout{120};
        // Pending logins per PAM user, whoever the peer: a new one ends the oldest.
        int max_logins_per_user = 3;
    } connections;

    Durability durability = Durability::full;
};

}  // namespace mfa::daemon
