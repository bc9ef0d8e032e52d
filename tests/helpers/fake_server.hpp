// A stand-in for mfad that misbehaves: never answers, answers garbage, or
// answers each frame it reads with the next of a list of canned replies.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace mfa::test {

class FakeServer {
public:
    enum class Mode { hang, garbage, scripted };
    FakeServer(const std::string& path, Mode mode);
    // Mode::scripted: the n-th frame of a connection gets replies[n]; an empty
    // reply closes the connection instead.
    FakeServer(const std::string& path, std::vector<std::vector<std::uint8_t>> replies);
    ~FakeServer();
    FakeServer(const FakeServer&) = delete;
    FakeServer& operator=(const FakeServer&) = delete;

private:
    void serve();
    void answer_frames(int fd);
    std::string path_;
    Mode mode_;
    std::vector<std::vector<std::uint8_t>> replies_;
    int listen_fd_ = -1;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace mfa::test
