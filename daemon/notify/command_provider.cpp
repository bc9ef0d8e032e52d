#include "command_provider.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "mfa/unique_fd.hpp"

namespace mfa::notify {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxOutput = 4096;

std::string fill(std::string arg, const std::string& phone) {
    for (std::size_t at = arg.find("{phone}"); at != std::string::npos; at = arg.find("{phone}", at + phone.size()))
        arg.replace(at, 7, phone);
    return arg;
}

int remaining_ms(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left > 0 ? static_cast<int>(left) : 0;
}

enum class Exchanged { done, timed_out, abandoned };

// Writes the text, reads stdout, both until done, the deadline, or (with
// watch >= 0) the peer on `watch` hanging up.
// `in` is closed here once the text is written; left open (the caller's) otherwise.
Exchanged exchange(UniqueFd& in, int out, const std::string& text, std::string& output, Clock::time_point deadline,
                   int watch) {
    std::size_t written = 0;
    bool out_open = true;
    if (text.empty()) in.reset();
    while (in.get() >= 0 || out_open) {
        pollfd fds[3] = {{in.get(), POLLOUT, 0}, {out_open ? out : -1, POLLIN, 0}, {watch, POLLRDHUP, 0}};
        int ready = poll(fds, 3, remaining_ms(deadline));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) return Exchanged::timed_out;
        // Hung up, or the socket already closed under us: either way nobody waits for this run.
        if (fds[2].revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) return Exchanged::abandoned;
        if (in.get() >= 0 && (fds[0].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t n = write(in.get(), text.data() + written, text.size() - written);
            if (n > 0) written += static_cast<std::size_t>(n);
            if (n < 0 || written == text.size()) in.reset();  // done, or the program stopped reading
        }
        if (out_open && (fds[1].revents & (POLLIN | POLLERR | POLLHUP))) {
            char buffer[512];
            ssize_t n = read(out, buffer, sizeof buffer);
            if (n <= 0) {
                out_open = false;
            } else if (output.size() < kMaxOutput) {
                output.append(buffer, static_cast<std::size_t>(std::min<std::size_t>(n, kMaxOutput - output.size())));
            }
        }
    }
    return Exchanged::done;
}

// Waits for the program until the deadline; then kills its process group
// (and says so in `killed`). A pidfd wakes the wait the moment the program
// exits (no polling interval).
Result<int> reap(pid_t pid, Clock::time_point deadline, std::chrono::milliseconds timeout, bool& killed) {
    int status = 0;
    UniqueFd exited(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
    for (;;) {
        pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid) break;
        if (done < 0 && errno != EINTR) return make_error(std::string("waitpid: ") + strerror(errno));
        if (Clock::now() >= deadline) {
            killed = true;
            kill(-pid, SIGKILL);
            waitpid(pid, &status, 0);
            return make_error("the program did not finish within " + std::to_string(timeout.count() / 1000) +
                              " s and was killed");
        }
        pollfd wait{exited.get(), POLLIN, 0};
        poll(&wait, exited.get() >= 0 ? 1 : 0, exited.get() >= 0 ? remaining_ms(deadline) : 10);
    }
    kill(-pid, SIGKILL);  // whatever it left running in its group goes too
    if (WIFSIGNALED(status)) return make_error("the program was killed by signal " + std::to_string(WTERMSIG(status)));
    return WEXITSTATUS(status);
}

}  // namespace

Result<std::string> run_command(const std::vector<std::string>& argv_template, const OutgoingMessage& message,
                                std::chrono::milliseconds timeout, int watch, bool* timed_out) {
    std::vector<std::string> args;
    for (const auto& arg : argv_template) args.push_back(fill(arg, message.destination));
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    char path_env[] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    char lang_env[] = "LANG=C.UTF-8";
    char* envp[] = {path_env, lang_env, nullptr};

    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) != 0) return make_error(std::string("pipe: ") + strerror(errno));
    UniqueFd in_read(in[0]), in_write(in[1]);
    if (pipe2(out, O_CLOEXEC) != 0) return make_error(std::string("pipe: ") + strerror(errno));
    UniqueFd out_read(out[0]), out_write(out[1]);

    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_adddup2(&actions, in_read.get(), 0);
    posix_spawn_file_actions_adddup2(&actions, out_write.get(), 1);
    // Its stderr could carry the number or the code: it goes nowhere.
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    // A group of its own, so a timeout kills what it started too; default signals.
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), envp);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) return make_error("cannot run " + args.front() + ": " + strerror(rc));
    in_read.reset();
    out_write.reset();

    auto deadline = Clock::now() + timeout;
    std::string output;
    auto exchanged = exchange(in_write, out_read.get(), message.text, output, deadline, watch);
    in_write.reset();
    bool finished = exchanged == Exchanged::done;
    bool killed = false;
    auto status = reap(pid, finished ? deadline : Clock::now(), timeout, killed);
    if (timed_out) *timed_out = exchanged == Exchanged::timed_out || (finished && killed);
    if (exchanged == Exchanged::abandoned) return make_error("mfad stopped waiting; the program was killed");
    if (!status) return status.error();
    if (*status != 0) return make_error("the program exited with status " + std::to_string(*status));
    return output.substr(0, output.find('\n'));
}

boost::asio::awaitable<Result<std::string>> CommandProvider::send(const OutgoingMessage& message) {
    // Runs on a worker thread; the event loop goes on serving other messages meanwhile.
    // optional: co_spawn's result must be default-constructible, and a Result is not.
    auto run = [this, &message]() -> boost::asio::awaitable<std::optional<Result<std::string>>> {
        co_return run_command(argv_, message, timeout_);
    };
    auto result = co_await boost::asio::co_spawn(workers_, run, boost::asio::use_awaitable);
    if (!*result) co_return std::move(*result);
    co_return clean_message_id(**result);
}

}  // namespace mfa::notify
