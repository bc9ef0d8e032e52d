// A stand-in for mfad that misbehaves: never answers, or answers garbage.
#pragma once

#include <atomic>
#include <string>
#include <thread>

namespace mfa::test {

class FakeServer {
public:
    enum class Mode { hang, garbage };
    FakeServer(const std::string& path, Mode mode);
    ~FakeServer();
    FakeServer(const FakeServer&) = delete;
    FakeServer& operator=(const FakeServer&) = delete;

private:
    void serve();
    std::string path_;
    Mode mode_;
    int listen_fd_ = -1;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace mfa::test
