// A local HTTPS service for mfad-notify's provider tests: a throwaway CA and
// a certificate for 127.0.0.1, and a Python server (one of helpers/fake_*.py)
// that records each request and answers as its mode file says.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "process.hpp"
#include "temp_dir.hpp"

namespace mfa::test {

// In `dir`: ca.pem (signed server.pem for IP 127.0.0.1), other-ca.pem (signed nothing).
struct TestPki {
    explicit TestPki(TempDir& dir);
};

class FakeHttps {
public:
    // Runs `script` with server.pem/server.key from `dir` (a TestPki's).
    FakeHttps(TempDir& dir, const std::string& script);
    // How the next requests are answered (the file can change between requests).
    void set_mode(const std::string& mode);
    std::string url(const std::string& path) const;
    // Every request so far: {"method", "path", "headers", "body"}.
    std::vector<nlohmann::json> requests() const;

private:
    TempDir& dir_;
    std::unique_ptr<Child> child_;
    std::string port_;
};

}  // namespace mfa::test
