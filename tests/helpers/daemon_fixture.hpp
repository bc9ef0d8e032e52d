// A real mfad in a private directory: its own config, key, database and socket.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "process.hpp"
#include "temp_dir.hpp"

namespace mfa::test {

struct DaemonOptions {
    std::string extra_yaml;                // appended to the generated config
    std::vector<std::string> env;          // extra environment
    std::vector<std::string> wrapper;      // e.g. systemd-socket-activate -l PATH
    std::string socket_override;           // where to wait for the socket, when a wrapper makes it
    std::string config_socket;             // the config's socket, when not the private dir's
    std::vector<std::string> users;        // known to mfad's NSS besides the system's and test_users()
    std::vector<std::string> groups = {};  // /etc/group lines mfad's NSS adds: "name:x:gid:member,member"
    std::string preload;                   // one more library preloaded into mfad (a fault injector)
    bool system_nss = false;               // no nss_wrapper: mfad sees /etc/passwd as it is (the benchmark's real users)
    bool fake_clock = false;               // mfad's wall clock can be moved with shift_clock()
    std::string key_from;                  // a key file to share (a fleet's hosts hold one); empty: a new key
    // Also runs mfad-notify. Its `sms:` section: sender_yaml, or by default the
    // command provider with a script that appends each message to outbox and
    // prints an id; sms_extra adds keys to that default section (caps, ttl).
    bool sender = false;
    std::string sender_yaml;
    std::string sms_extra;
};

// The accounts every test daemon knows (through nss_wrapper), uid 20000 on.
const std::vector<std::string>& test_users();

// MFA_TEST_STORE=postgresql runs a suite's daemons on PostgreSQL: each
// fixture whose test does not choose a store gets a fresh database on one
// private server for the test program (tests/helpers/postgres_server).
// Unset or "sqlite": the SQLite file in the fixture's directory.
bool stores_on_postgresql();

class DaemonFixture {
public:
    explicit DaemonFixture(DaemonOptions options = {});

    // Starts mfad and waits for its socket; false if it did not come up.
    bool start();
    // Stops mfad with `sig` (SIGKILL: a crash) and starts it again, the
    // sender untouched; false if it did not come back.
    bool restart(int sig);
    const std::string& socket() const { return socket_; }
    const std::string& config_path() const { return config_; }
    std::string log() const { return read_file(log_); }
    Child& child() { return *child_; }
    TempDir& dir() { return dir_; }
    // The uid mfad's NSS gives a test user (0 when it names no such user).
    uid_t uid_of(const std::string& user) const;
    // Rewrites the config file (for SIGHUP tests).
    void write_config(const std::string& extra_yaml);
    // Moves mfad's wall clock (not its monotonic clock) `seconds` from now on;
    // needs fake_clock.
    void shift_clock(long seconds);

    // SQL run on mfad's store behind its back, as an intruder or an auditor
    // would: sqlite3 on the file, or psql on the database. Values come out
    // one per line, columns split by '|'. Write "user" quoted (a keyword in
    // PostgreSQL).
    Finished sql(const std::string& query) const;
    // Everything the store holds, as text (sqlite3 .dump, or pg_dump); throws
    // when the tool fails or prints nothing, so no comparison of two empty
    // dumps can pass.
    std::string dump() const;

    // The sender (options.sender), and what its default provider recorded:
    // one "PHONE<TAB>TEXT" line per message.
    Child* sender() { return sender_.get(); }
    std::string sender_log() const { return read_file(dir_.file("notify.log")); }
    std::string notify_socket() const { return dir_.file("notify.sock"); }
    std::vector<std::string> outbox() const;
    // The code in the newest message ("" when none was sent).
    std::string last_sms_code() const;
    // The messages the fake sendmail got, oldest first, and the last code mailed.
    std::vector<std::string> mails() const;
    std::string last_mail_code() const;
    std::vector<std::string> mail_files() const;  // paths, oldest first

private:
    bool start_daemon();
    DaemonOptions options_;
    TempDir dir_;
    std::string conninfo_;  // the store's database under MFA_TEST_STORE=postgresql
    std::string socket_;
    std::string config_;
    std::string log_;
    std::unique_ptr<Child> sender_;  // started first, stopped last
    std::unique_ptr<Child> child_;
};

// A datagram socket standing in for systemd's NOTIFY_SOCKET.
class NotifyListener {
public:
    explicit NotifyListener(const std::string& path);
    ~NotifyListener();
    std::string env() const { return "NOTIFY_SOCKET=" + path_; }
    // Collects messages until one contains `needle` or `limit` passes; returns all collected.
    std::string wait_for(const std::string& needle, int limit_ms);

private:
    std::string path_;
    int fd_ = -1;
    std::string seen_;
};

}  // namespace mfa::test
