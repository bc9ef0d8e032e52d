#include "fake_https.hpp"

#include <unistd.h>

#include <stdexcept>
#include <thread>

namespace mfa::test {

TestPki::TestPki(TempDir& dir) {
    auto ok = [](const Finished& f) {
        if (f.exit_code != 0) throw std::runtime_error("openssl: " + f.err);
    };
    for (const char* ca : {"ca", "other-ca"})
        ok(run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj",
                std::string("/CN=mfad test ") + ca, "-keyout", dir.file(std::string(ca) + ".key"), "-out",
                dir.file(std::string(ca) + ".pem")}));
    ok(run({"openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout",
            dir.file("server.key"), "-out", dir.file("server.csr")}));
    dir.write("san.ext", "subjectAltName = IP:127.0.0.1\n");
    ok(run({"openssl", "x509", "-req", "-in", dir.file("server.csr"), "-CA", dir.file("ca.pem"), "-CAkey",
            dir.file("ca.key"), "-CAcreateserial", "-days", "2", "-extfile", dir.file("san.ext"), "-out",
            dir.file("server.pem")}));
}

FakeHttps::FakeHttps(TempDir& dir, const std::string& script) : dir_(dir) {
    set_mode("ok");
    child_ = std::make_unique<Child>(
        std::vector<std::string>{"python3", script, dir.file("server.pem"), dir.file("server.key"), dir.file("https.port"),
                                 dir.file("https.requests"), dir.file("https.mode")},
        std::vector<std::string>{}, dir.file("https.log"));
    for (int i = 0; i < 500 && access(dir.file("https.port").c_str(), F_OK) != 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    port_ = read_file(dir.file("https.port"));
}

void FakeHttps::set_mode(const std::string& mode) { dir_.write("https.mode", mode + "\n"); }

std::string FakeHttps::url(const std::string& path) const { return "https://127.0.0.1:" + port_ + path; }

std::vector<nlohmann::json> FakeHttps::requests() const {
    std::vector<nlohmann::json> out;
    std::string all;
    try {
        all = read_file(dir_.file("https.requests"));
    } catch (const std::exception&) {
        return out;
    }
    for (std::size_t at = 0; at < all.size();) {
        auto end = all.find('\n', at);
        out.push_back(nlohmann::json::parse(all.substr(at, end - at)));
        at = end + 1;
    }
    return out;
}

}  // namespace mfa::test
