#include "system_users.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <shadow.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include "mfa/unique_fd.hpp"

namespace mfa::bench {
namespace {

constexpr const char* kPasswd = "/etc/passwd";
constexpr const char* kGroup = "/etc/group";
// Every line this program writes carries it, and it removes no other line.
constexpr const char* kMarker = "mfad benchmark account";

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

bool ours(const std::string& line) {
    static const std::regex user(std::string("^") + kSystemUserPrefix + "[0-9]+:x:[0-9]+:[0-9]+:" + kMarker + ":");
    static const std::regex group(std::string("^") + kSystemUserPrefix + ":x:[0-9]+:$");
    return std::regex_search(line, user) || std::regex_match(line, group);
}

// The file without our lines, plus `more`: written beside it with its owner
// and mode, synced, then renamed over it, so a crash leaves the old or the new.
Result<void> rewrite(const char* path, const std::string& more) {
    struct stat original {};
    if (stat(path, &original) != 0) return make_error(std::string("cannot stat ") + path);
    std::ifstream in(path);
    std::string kept;
    for (std::string line; std::getline(in, line);)
        if (!ours(line)) kept += line + "\n";
    if (in.bad()) return make_error(std::string("cannot read ") + path);
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

// Names and ids in use, as NSS sees them (files, and a directory if any).
std::optional<std::string> taken(int count, unsigned first_uid) {
    if (getgrgid(first_uid) != nullptr) return "gid " + std::to_string(first_uid);
    if (getgrnam(kSystemUserPrefix) != nullptr) return std::string("group ") + kSystemUserPrefix;
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
                  ":" + kMarker + ":/nonexistent:/usr/sbin/nologin\n";
    if (auto rc = rewrite(kGroup, std::string(kSystemUserPrefix) + ":x:" + std::to_string(first_uid) + ":\n"); !rc)
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
                  << kSystemUserPrefix << " by hand\n";
}

}  // namespace mfa::bench
