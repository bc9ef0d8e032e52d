#include "daemon_fixture.hpp"

#include <dirent.h>

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>
#include <cstring>
#include <stdexcept>

#include "postgres_server.hpp"

namespace mfa::test {

const std::vector<std::string>& test_users() {
    static const std::vector<std::string> names = {
        "alice", "ann",   "bob",  "carol",  "cid",  "dave", "dee",  "erin",    "eve",  "fay",   "fern",
        "frank", "grace", "hal",  "heidi",  "ida",  "ivan", "kim",  "lea",     "mia",  "noa",   "race",
        "wendy", "xavier", "yann", "zoe",   "flood", "secalice", "nobody-enrolled", "nobody-here", "lockout", "max", "bench"};
    return names;
}

namespace {

std::string read_or_empty(const std::string& path) {
    try {
        return read_file(path);
    } catch (const std::exception&) {
        return {};
    }
}

// One server for the whole test program, started when the first fixture
// asks, stopped and removed when the program ends.
std::string fresh_postgresql_database() {
    static PostgresServer server;
    static int databases = 0;
    return server.create_database("fixture_" + std::to_string(++databases));
}

}  // namespace

bool stores_on_postgresql() {
    const char* store = getenv("MFA_TEST_STORE");
    if (store == nullptr || std::string(store) == "sqlite") return false;
    if (std::string(store) == "postgresql") return true;
    throw std::runtime_error("MFA_TEST_STORE: sqlite or postgresql, not " + std::string(store));
}

DaemonFixture::DaemonFixture(DaemonOptions options)
    : options_(std::move(options)),
      socket_(!options_.socket_override.empty() ? options_.socket_override
              : !options_.config_socket.empty() ? options_.config_socket
                                                 : dir_.file("mfad.sock")),
      config_(dir_.file("mfad.yaml")),
      log_(dir_.file("mfad.log")) {
    if (!options_.key_from.empty()) {
        dir_.write("mfad.key", read_file(options_.key_from), 0600);
    } else {
        auto key = run({MFAD_BIN, "--generate-key", dir_.file("mfad.key")});
        if (key.exit_code != 0) throw std::runtime_error("mfad --generate-key failed: " + key.err);
    }
    // A test that sets its own store (the fleet's) keeps it.
    if (stores_on_postgresql() && options_.extra_yaml.find("store:") == std::string::npos)
        conninfo_ = fresh_postgresql_database();
    write_config(options_.extra_yaml);
    std::string passwd = read_or_empty("/etc/passwd");
    int uid = 20000;
    for (const std::vector<std::string>* list : {&test_users(), static_cast<const std::vector<std::string>*>(&options_.users)})
        for (const auto& name : *list) passwd += name + ":x:" + std::to_string(uid++) + ":20000::/nonexistent:/usr/sbin/nologin\n";
    dir_.write("passwd", passwd);
    std::string groups = read_or_empty("/etc/group");
    for (const auto& line : options_.groups) groups += line + "\n";
    dir_.write("group", groups);
    dir_.write("faketime", "+0\n");
}

uid_t DaemonFixture::uid_of(const std::string& user) const {
    std::istringstream passwd(read_or_empty(dir_.file("passwd")));
    for (std::string line; std::getline(passwd, line);)
        if (line.rfind(user + ":x:", 0) == 0) return static_cast<uid_t>(std::stoul(line.substr(user.size() + 3)));
    return 0;
}

void DaemonFixture::shift_clock(long seconds) {
    dir_.write("faketime", (seconds < 0 ? "" : "+") + std::to_string(seconds) + "\n");
}

void DaemonFixture::write_config(const std::string& extra_yaml) {
    std::string socket_path = options_.config_socket.empty() ? dir_.file("mfad.sock") : options_.config_socket;
    std::string sender;
    if (options_.sender) {
        sender = "notify: { socket: " + dir_.file("notify.sock") + ", client_user: root, timeout: 3s }\n";
        sender += "email: { sendmail: [\"" + dir_.file("sendmail") + "\", \"-t\", \"-i\"], from: mfa@example.com, timeout: 2s }\n";
        sender += !options_.sender_yaml.empty()
                      ? options_.sender_yaml
                      : "sms:\n  provider: command\n  command: [\"" + dir_.file("send-sms") + "\", \"{phone}\"]\n  timeout: 2s\n" +
                            options_.sms_extra;
    }
    std::string store;
    if (!conninfo_.empty()) store = "store:\n  backend: postgresql\n  postgresql:\n    conninfo: \"" + conninfo_ + "\"\n";
    dir_.write("mfad.yaml", "socket: " + socket_path + "\ndatabase: " + dir_.file("state/mfad.db") +
                                "\nkey_file: " + dir_.file("mfad.key") + "\n" + sender + store + extra_yaml);
}

Finished DaemonFixture::sql(const std::string& query) const {
    // Without the test's preloads: sqlite3 and psql need none of them.
    if (conninfo_.empty()) return run({"sqlite3", dir_.file("state/mfad.db"), query}, {"LD_PRELOAD="});
    return run({std::string(MFA_PG_BINDIR) + "/psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-d", conninfo_,
                "-c", query},
               {"LD_PRELOAD="});
}

std::string DaemonFixture::dump() const {
    auto dump = conninfo_.empty()
                    ? run({"sqlite3", "-readonly", dir_.file("state/mfad.db"), ".dump"}, {"LD_PRELOAD="})
                    : run({std::string(MFA_PG_BINDIR) + "/pg_dump", "--inserts", "-d", conninfo_}, {"LD_PRELOAD="});
    if (dump.exit_code != 0 || dump.out.find("INSERT INTO") == std::string::npos)
        throw std::runtime_error("the store's dump failed or holds no row: " + dump.err);
    // Newer pg_dumps fence the script with a random \restrict key: not the store's contents.
    std::istringstream lines(dump.out);
    std::string out;
    for (std::string line; std::getline(lines, line);)
        if (!line.starts_with("\\restrict ") && !line.starts_with("\\unrestrict ")) out += line + "\n";
    return out;
}

std::vector<std::string> DaemonFixture::outbox() const {
    std::vector<std::string> lines;
    std::string all = read_or_empty(dir_.file("outbox"));
    for (std::size_t at = 0; at < all.size();) {
        auto end = all.find('\n', at);
        if (end == std::string::npos) end = all.size();
        if (end > at) lines.push_back(all.substr(at, end - at));
        at = end + 1;
    }
    return lines;
}

std::vector<std::string> DaemonFixture::mail_files() const {
    std::vector<std::string> names;
    if (DIR* dir = opendir(dir_.file("mail").c_str())) {
        while (dirent* entry = readdir(dir))
            if (std::string name = entry->d_name; name.size() > 4 && name.ends_with(".eml")) names.push_back(name);
        closedir(dir);
    }
    std::sort(names.begin(), names.end());
    for (auto& name : names) name = dir_.file("mail/" + name);
    return names;
}

std::vector<std::string> DaemonFixture::mails() const {
    std::vector<std::string> out;
    for (const auto& file : mail_files()) out.push_back(read_or_empty(file));
    return out;
}

std::string DaemonFixture::last_mail_code() const {
    auto files = mail_files();
    for (auto it = files.rbegin(); it != files.rend(); ++it) {
        std::string mail = read_or_empty(*it);
        for (const char* marker : {"Recovery code: ", "--code "})
            if (auto at = mail.find(marker); at != std::string::npos) return mail.substr(at + strlen(marker), 12);
    }
    return {};
}

std::string DaemonFixture::last_sms_code() const {
    auto lines = outbox();
    if (lines.empty()) return {};
    auto at = lines.back().find("code is ");
    return at == std::string::npos ? std::string() : lines.back().substr(at + 8, 6);
}

bool DaemonFixture::start() {
    if (options_.sender) {
        // The provider: one line per message, the number then the text, and an id back.
        dir_.write("send-sms", "#!/bin/sh\nprintf '%s\\t%s\\n' \"$1\" \"$(cat)\" >> " + dir_.file("outbox") +
                                   "\necho \"id-$$\"\n");
        chmod(dir_.file("send-sms").c_str(), 0755);
        // sendmail -t -i: each message into mail/, in order, with its argv beside it.
        mkdir(dir_.file("mail").c_str(), 0700);
        // (bash builtins alone: the recovery race sends a thousand of them.)
        dir_.write("sendmail", "#!/bin/bash\nf=" + dir_.file("mail") + "/${EPOCHREALTIME/./}\n" +
                                   "while IFS= read -r line; do printf '%s\\n' \"$line\"; done > \"$f.eml\"\n" +
                                   "printf '%s\\n' \"$@\" > \"$f.argv\"\n");
        chmod(dir_.file("sendmail").c_str(), 0755);
        std::string preload = MFA_DAEMON_PRELOAD;
        sender_ = std::make_unique<Child>(std::vector<std::string>{MFA_NOTIFY_BIN, "--config", config_},
                                          std::vector<std::string>{"MFAD_LOG=stderr", "PAM_WRAPPER=0", "LD_PRELOAD=" + preload},
                                          dir_.file("notify.log"));
        if (!wait_for_socket(dir_.file("notify.sock"), std::chrono::seconds(10))) return false;
    }
    return start_daemon();
}

bool DaemonFixture::restart(int sig) {
    child_->signal(sig);
    child_->wait(std::chrono::seconds(10));
    child_.reset();
    unlink(socket_.c_str());
    return start_daemon();
}

bool DaemonFixture::start_daemon() {
    std::vector<std::string> argv = options_.wrapper;
    argv.insert(argv.end(), {MFAD_BIN, "--config", config_});
    // The daemon must not inherit the test's pam_wrapper preload.
    std::string preload = options_.system_nss ? "" : MFA_DAEMON_PRELOAD;
    if (options_.fake_clock) preload += (preload.empty() ? "" : ":") + std::string(MFA_FAKETIME_LIBRARY);
    if (!options_.preload.empty()) preload += (preload.empty() ? "" : ":") + options_.preload;
    std::vector<std::string> env = {"MFAD_LOG=stderr", "LD_PRELOAD=" + preload, "PAM_WRAPPER=0",
                                    "NSS_WRAPPER_PASSWD=" + dir_.file("passwd"), "NSS_WRAPPER_GROUP=" + dir_.file("group")};
    if (options_.fake_clock)
        env.insert(env.end(), {"FAKETIME_TIMESTAMP_FILE=" + dir_.file("faketime"), "FAKETIME_NO_CACHE=1",
                               "DONT_FAKE_MONOTONIC=1"});
    env.insert(env.end(), options_.env.begin(), options_.env.end());
    child_ = std::make_unique<Child>(argv, env, log_);
    // Polls in short steps so a daemon that refused to start is noticed at once.
    for (int i = 0; i < 1000; ++i) {
        if (wait_for_socket(socket_, std::chrono::milliseconds(10))) return true;
        if (!child_->running()) return false;
    }
    return false;
}

NotifyListener::NotifyListener(const std::string& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    path.copy(addr.sun_path, sizeof addr.sun_path - 1);
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        throw std::runtime_error("cannot bind notify socket");
}

NotifyListener::~NotifyListener() {
    close(fd_);
    unlink(path_.c_str());
}

std::string NotifyListener::wait_for(const std::string& needle, int limit_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(limit_ms);
    while (seen_.find(needle) == std::string::npos) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
        char buf[4096];
        ssize_t n = recv(fd_, buf, sizeof buf, 0);
        if (n > 0) seen_.append(buf, static_cast<std::size_t>(n)).append("\n");
    }
    return seen_;
}

}  // namespace mfa::test
