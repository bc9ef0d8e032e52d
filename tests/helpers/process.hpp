// Child processes for tests: run one to completion, or keep one running.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace mfa::test {

struct Finished {
    int exit_code = -1;  // -1: killed by a signal
    std::string out;
    std::string err;
};

// Runs argv (no shell) with extra "NAME=value" environment entries and waits.
Finished run(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
             const std::string& stdin_text = "");

class Child {
public:
    // stderr goes to `stderr_file` so tests can read what the child logged.
    Child(const std::vector<std::string>& argv, const std::vector<std::string>& env, const std::string& stderr_file);
    ~Child();  // SIGKILL if still running
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    pid_t pid() const { return pid_; }
    void signal(int sig) const;
    // The exit code, -1 if killed, or -2 if still running after `limit`.
    int wait(std::chrono::milliseconds limit);
    bool running();

private:
    pid_t pid_ = -1;
    int status_ = 0;
    bool reaped_ = false;
};

// Waits until `path` accepts connections.
bool wait_for_socket(const std::string& path, std::chrono::milliseconds limit);

std::string read_file(const std::string& path);

}  // namespace mfa::test
