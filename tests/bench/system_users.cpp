#include "system_users.hpp"

#include <shadow.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>

namespace mfa::bench {
namespace {

constexpr const char* kPasswd = "/etc/passwd";
constexpr const char* kGroup = "/etc/group";

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

bool ours(const std::string& line) { return line.rfind(kSystemUserPrefix, 0) == 0; }

// The file without our lines, plus `more`; replaced by rename, mode 0644.
Result<void> rewrite(const char* path, const std::string& more) {
    std::ifstream in(path);
    if (!in) return make_error(std::string("cannot read ") + path);
    std::string kept;
    for (std::string line; std::getline(in, line);)
        if (!ours(line)) kept += line + "\n";
    std::string temp = std::string(path) + ".mfabench";
    {
        std::ofstream out(temp, std::ios::trunc);
        out << kept << more;
        if (!out.flush()) return make_error("cannot write " + temp);
    }
    chmod(temp.c_str(), 0644);
    if (rename(temp.c_str(), path) != 0) return make_error(std::string("cannot replace ") + path);
    return {};
}

std::set<std::string> fields_in_use(const char* path, int field) {
    std::set<std::string> used;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
        if (ours(line)) continue;
        std::istringstream parts(line);
        std::string value;
        for (int i = 0; i <= field && std::getline(parts, value, ':'); ++i) {
        }
        used.insert(value);
    }
    return used;
}

}  // namespace

Result<SystemUsers> SystemUsers::add(int count, unsigned first_uid) {
    PasswdLock lock;
    if (!lock.held()) return make_error("cannot lock /etc/passwd (lckpwdf): run as root");
    auto names = fields_in_use(kPasswd, 0);
    auto uids = fields_in_use(kPasswd, 2);
    auto gids = fields_in_use(kGroup, 2);
    if (gids.count(std::to_string(first_uid))) return make_error("gid " + std::to_string(first_uid) + " is taken");
    std::string passwd;
    for (int i = 0; i < count; ++i) {
        std::string uid = std::to_string(first_uid + static_cast<unsigned>(i));
        if (uids.count(uid) || names.count(name(i))) return make_error("uid " + uid + " or " + name(i) + " is taken");
        passwd += name(i) + ":x:" + uid + ":" + std::to_string(first_uid) + "::/nonexistent:/usr/sbin/nologin\n";
    }
    if (auto rc = rewrite(kGroup, std::string(kSystemUserPrefix) + ":x:" + std::to_string(first_uid) + ":\n"); !rc)
        return rc.error();
    if (auto rc = rewrite(kPasswd, passwd); !rc) return rc.error();
    return SystemUsers();
}

SystemUsers::~SystemUsers() {
    if (!active_) return;
    PasswdLock lock;
    (void)rewrite(kPasswd, "");
    (void)rewrite(kGroup, "");
}

}  // namespace mfa::bench
