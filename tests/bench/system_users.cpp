#include "system_users.hpp"

#include <fcntl.h>
#include <signal.h>
#include <grp.h>
#include <pwd.h>
#include <shadow.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <vector>
#include <sstream>

#include "mfa/unique_fd.hpp"

namespace mfa::bench {
namespace {

constexpr const char* kPasswd = "/etc/passwd";
constexpr const char* kGroup = "/etc/group";
// Every line this program writes carries it, with the pid of the run that
// wrote it; it removes only its own lines and those of runs no longer alive.
constexpr const char* kMarker = "mfad benchmark account of pid ";

// useradd and userdel take the same lock: no edit of theirs is lost.
class PasswdLock {
public:
    PasswdLock() : held_(lckpwdf() == 0) {}
    ~PasswdLock() {
        if (held_) ulckpwdf();
    }
    PasswdLock(const PasswdLock&) = delete;
    PasswdLock& operator=(const PasswdLock&) = delete;
    bool held() const { return held_; }

private:
    bool held_;
};

bool gone_or_mine(long pid) { return pid == getpid() || (kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH); }

std::vector<std::string> fields_of(const std::string& line) {
    std::vector<std::string> fields;
    std::istringstream in(line);
    for (std::string field; std::getline(in, field, ':');) fields.push_back(field);
    if (!line.empty() && line.back() == ':') fields.emplace_back();
    return fields;
}

// The pid in `text` after `prefix`, when the rest is all digits.
std::optional<long> pid_after(const std::string& text, const std::string& prefix) {
    if (text.rfind(prefix, 0) != 0 || text.size() == prefix.size() || text.size() > prefix.size() + 9) return std::nullopt;
    std::string digits = text.substr(prefix.size());
    if (digits.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    return std::stol(digits);
}

// A user line, or the group line, that this run or a dead run wrote.
bool removable(const std::string& line) {
    auto f = fields_of(line);
    std::optional<long> pid;
    if (f.size() == 7 && f[1] == "x" && pid_after(f[0], kSystemUserPrefix)) pid = pid_after(f[4], kMarker);
    if (f.size() == 4 && f[1] == "x" && f[3].empty()) pid = pid_after(f[0], std::string(kSystemUserPrefix) + "-g");
    return pid && gone_or_mine(*pid);
}

// The file without removable lines, plus `more`: written beside it with its
// owner and mode, synced, then renamed over it, so a crash leaves the old or
// the new. Nothing is written when nothing changes, and never a file that
// lost its root line (a read that failed half-way).
Result<void> rewrite(const char* path, const std::string& more) {
    struct stat original {};
    if (stat(path, &original) != 0) return make_error(std::string("cannot stat ") + path);
    std::ifstream in(path);
    if (!in.is_open()) return make_error(std::string("cannot open ") + path);
    std::string kept;
    bool removed = false;
    for (std::string line; std::getline(in, line);) {
        if (removable(line)) removed = true;
        else kept += line + "\n";
    }
    if (!in.eof() || in.bad()) return make_error(std::string("cannot read ") + path);
    if (kept.rfind("root:", 0) != 0 && kept.find("\nroot:") == std::string::npos)
        return make_error(std::string(path) + " has no root line: left alone");
    if (!removed && more.empty()) return {};
    std::string content = kept + more;
    std::string temp = std::string(path) + ".mfabench";
    unlink(temp.c_str());
    UniqueFd fd(open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    bool written = fd && write(fd.get(), content.data(), content.size()) == static_cast<ssize_t>(content.size()) &&
                   fchown(fd.get(), original.st_uid, original.st_gid) == 0 &&
                   fchmod(fd.get(), original.st_mode & 07777) == 0 && fsync(fd.get()) == 0;
    if (!written || rename(temp.c_str(), path) != 0) {
        unlink(temp.c_str());
        return make_error(std::string("cannot replace ") + path + ": " + std::strerror(errno));
    }
    UniqueFd dir(open("/etc", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir) fsync(dir.get());
    return {};
}

std::string group_name() { return std::string(kSystemUserPrefix) + "-g" + std::to_string(getpid()); }

// Names and ids in use, as NSS sees them (files, and a directory if any).
std::optional<std::string> taken(int count, unsigned first_uid) {
    if (getgrgid(first_uid) != nullptr) return "gid " + std::to_string(first_uid);
    if (getgrnam(group_name().c_str()) != nullptr) return "group " + group_name();
    for (int i = 0; i < count; ++i) {
        if (getpwuid(first_uid + static_cast<unsigned>(i)) != nullptr) return "uid " + std::to_string(first_uid + i);
        if (getpwnam(SystemUsers::name(i).c_str()) != nullptr) return "user " + SystemUsers::name(i);
    }
    return std::nullopt;
}

}  // namespace

Result<SystemUsers> SystemUsers::add(int count, unsigned first_uid) {
    PasswdLock lock;
    if (!lock.held()) return make_error("cannot lock /etc/passwd (lckpwdf): run as root, and not while vipw runs");
    // What a killed run left goes first; then nothing of ours is in NSS.
    if (auto rc = rewrite(kPasswd, ""); !rc) return rc.error();
    if (auto rc = rewrite(kGroup, ""); !rc) return rc.error();
    if (auto in_use = taken(count, first_uid)) return make_error(*in_use + " is taken on this system");
    std::string passwd;
    for (int i = 0; i < count; ++i)
        passwd += name(i) + ":x:" + std::to_string(first_uid + static_cast<unsigned>(i)) + ":" + std::to_string(first_uid) +
                  ":" + kMarker + std::to_string(getpid()) + ":/nonexistent:/usr/sbin/nologin\n";
    if (auto rc = rewrite(kGroup, group_name() + ":x:" + std::to_string(first_uid) + ":\n"); !rc)
        return rc.error();
    if (auto rc = rewrite(kPasswd, passwd); !rc) {
        (void)rewrite(kGroup, "");
        return rc.error();
    }
    return SystemUsers();
}

SystemUsers::~SystemUsers() {
    if (!active_) return;
    PasswdLock lock;
    bool removed = lock.held() && rewrite(kPasswd, "") && rewrite(kGroup, "");
    if (!removed)
        std::cerr << "mfa_pam_bench: could not remove the benchmark accounts; remove the lines of /etc/passwd and "
                     "/etc/group that start with "
                  << kSystemUserPrefix << " and name pid " << getpid() << " by hand\n";
}

}  // namespace mfa::bench
