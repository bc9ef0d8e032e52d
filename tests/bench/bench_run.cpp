#include "bench_run.hpp"

#include <security/pam_appl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>

#include "mfa/otp.hpp"
#include "mfa/wire/client.hpp"

namespace mfa::bench {
namespace {

struct Record {
    int rc;
    double ms;
};

struct Answer {
    std::string code;
};

int answer_every_prompt(int n, const pam_message** msg, pam_response** resp, void* data) {
    auto* answer = static_cast<Answer*>(data);
    *resp = static_cast<pam_response*>(calloc(static_cast<std::size_t>(n), sizeof(pam_response)));
    if (*resp == nullptr) return PAM_BUF_ERR;
    for (int i = 0; i < n; ++i)
        if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF || msg[i]->msg_style == PAM_PROMPT_ECHO_ON)
            (*resp)[i].resp = strdup(answer->code.c_str());
    return PAM_SUCCESS;
}

// Real stacks add a delay after a failure on purpose; measured without it.
void no_delay(int, unsigned, void*) {}

std::string code_for(const BenchUser& user, bool right) {
    auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
    auto code = otp::totp(user.secret, now.count(), 30, 6, otp::Algorithm::sha1);
    if (!code) return "000000";
    if (right) return *code;
    // Off by one in the last digit: wrong for every step in the window, bar a 1-in-a-million collision.
    std::string wrong = *code;
    wrong.back() = wrong.back() == '9' ? '0' : static_cast<char>(wrong.back() + 1);
    return wrong;
}

// The floor's second half: what any module that asks mfad pays, a connection
// and two round trips (HELLO rides with the first, as pam_mfa sends it).
int ping_twice(const std::string& socket) {
    auto client = wire::Client::open({socket, std::chrono::seconds(10), {0}});
    if (!client) return PAM_SYSTEM_ERR;
    for (int i = 0; i < 2; ++i) {
        auto ping = wire::encode_empty(wire::MessageType::ping, client->next_request_id());
        auto pong = client->call(ping);
        if (!pong || pong->type() != wire::MessageType::pong) return PAM_SYSTEM_ERR;
    }
    return PAM_SUCCESS;
}

Record one_login(const std::string& service, const BenchUser& user, bool right, const std::string& ping_socket) {
    Answer answer{code_for(user, right)};
    pam_conv conv{answer_every_prompt, &answer};
    auto start = std::chrono::steady_clock::now();
    pam_handle_t* pamh = nullptr;
    int rc = pam_start(service.c_str(), user.name.c_str(), &conv, &pamh);
    if (rc == PAM_SUCCESS) {
        pam_set_item(pamh, PAM_FAIL_DELAY, reinterpret_cast<const void*>(&no_delay));
        rc = pam_authenticate(pamh, PAM_SILENT);
        pam_end(pamh, rc);
    }
    if (rc == PAM_SUCCESS && !ping_socket.empty()) rc = ping_twice(ping_socket);
    std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
    return {rc, took.count()};
}

// A child: waits for the start signal, logs in its share, writes the records.
[[noreturn]] void child(const std::string& service, const std::vector<BenchUser>& users, int index, int processes,
                        bool right, const std::string& ping_socket, int go_fd, int out_fd) {
    char go = 0;
    if (read(go_fd, &go, 1) != 1) _exit(2);
    std::vector<Record> records;
    for (std::size_t i = static_cast<std::size_t>(index); i < users.size(); i += static_cast<std::size_t>(processes))
        records.push_back(one_login(service, users[i], right, ping_socket));
    auto bytes = reinterpret_cast<const char*>(records.data());
    std::size_t left = records.size() * sizeof(Record);
    while (left > 0) {
        ssize_t n = write(out_fd, bytes, left);
        if (n <= 0) _exit(3);
        bytes += n;
        left -= static_cast<std::size_t>(n);
    }
    _exit(0);
}

}  // namespace

RunResult run_logins(const std::string& service, const std::vector<BenchUser>& users, int processes, bool right_codes,
                     const std::string& ping_socket) {
    int go[2];
    if (pipe(go) != 0) return {};
    std::vector<pid_t> pids;
    std::vector<FILE*> outputs;
    for (int i = 0; i < processes; ++i) {
        FILE* out = tmpfile();
        pid_t pid = fork();
        if (pid == 0) child(service, users, i, processes, right_codes, ping_socket, go[0], fileno(out));
        pids.push_back(pid);
        outputs.push_back(out);
    }
    close(go[0]);
    auto start = std::chrono::steady_clock::now();
    std::string signal(static_cast<std::size_t>(processes), 'g');
    if (write(go[1], signal.data(), signal.size()) != static_cast<ssize_t>(signal.size())) return {};
    close(go[1]);
    for (pid_t pid : pids) waitpid(pid, nullptr, 0);
    RunResult result;
    result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (FILE* out : outputs) {
        rewind(out);
        Record r{};
        while (fread(&r, sizeof r, 1, out) == 1) {
            ++result.attempts;
            (r.rc == PAM_SUCCESS ? result.succeeded : result.failed) += 1;
            result.latencies_ms.push_back(r.ms);
        }
        fclose(out);
    }
    return result;
}

}  // namespace mfa::bench
