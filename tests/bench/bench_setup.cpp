#include "bench_setup.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "mfa/base32.hpp"
#include "process.hpp"
#include "system_users.hpp"

namespace mfa::bench {
namespace fs = std::filesystem;

Result<std::vector<BenchUser>> make_users(const std::string& dir, int count) {
    fs::create_directories(dir + "/ga-template");
    fs::create_directories(dir + "/ga-reuse-template");
    std::ofstream oath(dir + "/oath-template.users");
    std::vector<BenchUser> users;
    for (int i = 0; i < count; ++i) {
        std::string name = SystemUsers::name(i);
        std::string file = dir + "/ga-template/" + name;
        auto made = test::run({"google-authenticator", "--time-based", "--disallow-reuse", "--force", "--no-rate-limit",
                               "--window-size=3", "--emergency-codes=0", "--qr-mode=NONE", "--quiet", "--secret=" + file},
                              {"LD_PRELOAD="});
        if (made.exit_code != 0) return make_error("google-authenticator: " + made.err);
        std::ifstream in(file);
        std::string base32_secret;
        std::getline(in, base32_secret);
        // The same file without DISALLOW_REUSE: what -D makes, read-only at login.
        std::ofstream reuse(dir + "/ga-reuse-template/" + name);
        reuse << base32_secret << "\n";
        for (std::string line; std::getline(in, line);)
            if (line != "\" DISALLOW_REUSE") reuse << line << "\n";
        auto secret = base32::decode(base32_secret);
        if (!secret) return make_error("unreadable secret in " + file);
        std::ostringstream hex;
        for (auto byte : *secret) hex << std::hex << (byte >> 4) << (byte & 15);
        oath << "HOTP/T30/6 " << name << " - " << hex.str() << "\n";
        users.push_back({name, std::move(*secret)});
    }
    return users;
}

Result<void> write_services(const std::string& dir, const std::string& pam_mfa, const std::string& mfad_socket) {
    fs::create_directories(dir + "/services");
    auto service = [&](const std::string& name, const std::string& line) {
        std::ofstream(dir + "/services/" + name) << "auth required " << line << "\n";
    };
    service("bench-permit", "pam_permit.so");
    service("bench-ga", "pam_google_authenticator.so secret=" + dir + "/ga/${USER} user=root");
    service("bench-ga-reuse", "pam_google_authenticator.so secret=" + dir + "/ga-reuse/${USER} user=root");
    service("bench-oath", "pam_oath.so usersfile=" + dir + "/oath.users window=1 digits=6");
    service("bench-mfa", pam_mfa + " socket=" + mfad_socket + " tries=1");
    service("other", "pam_deny.so");
    return {};
}

Result<void> reset_peer_state(const std::string& dir) {
    std::error_code ec;
    for (const char* ga : {"/ga", "/ga-reuse"}) {
        fs::remove_all(dir + ga, ec);
        if (!ec) fs::copy(dir + ga + "-template", dir + ga, fs::copy_options::recursive, ec);
        if (ec) return make_error("reset: " + ec.message());
        // Both modules insist on owner-only secret files.
        for (const auto& entry : fs::directory_iterator(dir + ga)) chmod(entry.path().c_str(), 0400);
    }
    fs::copy_file(dir + "/oath-template.users", dir + "/oath.users", fs::copy_options::overwrite_existing, ec);
    if (ec) return make_error("reset: " + ec.message());
    chmod((dir + "/oath.users").c_str(), 0600);
    return {};
}

}  // namespace mfa::bench
