// A blocking client for the mfad socket with poll() deadlines, no threads and
// no signals (MSG_NOSIGNAL), so both mfactl and pam_mfa.so can use it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "mfa/result.hpp"
#include "mfa/unique_fd.hpp"
#include "mfa/wire/messages.hpp"

namespace mfa::wire {

struct ClientOptions {
    std::string socket_path;
    std::chrono::milliseconds timeout{10000};  // per call, connect included
    // The socket file's owner and the server's SO_PEERCRED uid must be one of these.
    std::vector<uid_t> trusted_uids;
    // The oldest protocol this client can use (mfactl: kFactorsProtocol).
    std::uint16_t protocol_min = kProtocolMin;
};

// root and, where it exists, the mfad system user.
std::vector<uid_t> default_trusted_uids();

// One reply frame; the payload is wiped when the reply goes away.
class Reply {
public:
    Reply(MessageType type, std::vector<std::uint8_t> payload);
    ~Reply();
    Reply(Reply&&) = default;
    Reply& operator=(Reply&&) = default;

    MessageType type() const { return type_; }
    Result<PayloadReader> fields() const { return PayloadReader::parse(payload_); }

private:
    MessageType type_;
    std::vector<std::uint8_t> payload_;
};

class Client {
public:
    // Checks the socket's owner, connects, checks the server's credentials and
    // agrees a protocol version.
    static Result<Client> connect(const ClientOptions& options);

    // The same checks, but the handshake rides with the first call (HELLO and
    // that request in one write), saving a round trip on the login path.
    static Result<Client> open(const ClientOptions& options);

    // Sends one request and reads its reply. An ERROR frame becomes an Error
    // that carries the daemon's message; so does any transport failure.
    // NOTE frames before the reply are kept for take_notes().
    Result<Reply> call(FrameWriter& request);

    // The texts of the NOTEs that came before the last reply, in order.
    std::vector<std::string> take_notes() { return std::exchange(notes_, {}); }

    std::uint32_t next_request_id() { return ++last_request_id_; }
    // The code of the ERROR frame that failed the last call; nullopt when the
    // call failed without one (no answer, a broken frame) or did not fail.
    std::optional<ErrorCode> daemon_error() const { return daemon_error_; }
    const HelloOk& server() const { return server_; }
    // For a call that waits on a person (a push's answer).
    void set_timeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }

    ~Client();
    Client(Client&&) = default;
    Client& operator=(Client&&) = default;

private:
    using Clock = std::chrono::steady_clock;
    Client(UniqueFd fd, std::chrono::milliseconds timeout) : fd_(std::move(fd)), timeout_(timeout) {}
    Result<void> write_all(std::span<const std::uint8_t> bytes, Clock::time_point deadline);
    // Reads until `n` unread bytes are buffered.
    Result<void> fill(std::size_t n, Clock::time_point deadline);
    Result<Reply> read_reply(std::uint32_t request_id, Clock::time_point deadline);
    // read_reply, keeping the NOTEs that precede the reply (a few at most).
    Result<Reply> read_reply_after_notes(std::uint32_t request_id, Clock::time_point deadline);
    Result<void> accept_hello(const Reply& reply);

    UniqueFd fd_;
    std::chrono::milliseconds timeout_;
    // Replies are read ahead into one buffer: a header and its payload usually
    // come in one recv. Wiped when done, since replies carry secrets.
    std::vector<std::uint8_t> in_;
    std::size_t in_begin_ = 0;
    std::uint32_t last_request_id_ = 0;
    std::vector<std::uint8_t> pending_hello_;  // sent with the first call, if open() made this client
    std::uint16_t protocol_min_ = kProtocolMin;
    HelloOk server_;
    std::optional<ErrorCode> daemon_error_;
    std::vector<std::string> notes_;
};

}  // namespace mfa::wire
