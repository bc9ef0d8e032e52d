#include "mfa/wire/client.hpp"

#include <errno.h>
#include <poll.h>
#include <pwd.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <algorithm>
#include <array>
#include <thread>
#include <utility>

#include "mfa/version.hpp"
#include "mfa/wire/login_messages.hpp"

namespace mfa::wire {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::uint32_t kHelloRequestId = 1;

std::string errno_text(const char* what) { return std::string(what) + ": " + strerror(errno); }

bool trusted(const std::vector<uid_t>& uids, uid_t uid) {
    return std::find(uids.begin(), uids.end(), uid) != uids.end();
}

int remaining_ms(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 1 << 30));
}

// Waits for the socket to become ready; false on timeout, with errno set.
bool wait_for(int fd, short events, Clock::time_point deadline) {
    for (;;) {
        pollfd p{fd, events, 0};
        int rc = poll(&p, 1, remaining_ms(deadline));
        if (rc > 0) return true;
        if (rc == 0) {
            errno = ETIMEDOUT;
            return false;
        }
        if (errno != EINTR) return false;
    }
}

Result<void> check_socket_owner(const ClientOptions& options) {
    struct stat st{};
    if (lstat(options.socket_path.c_str(), &st) != 0) return make_error(errno_text(options.socket_path.c_str()));
    if (!S_ISSOCK(st.st_mode)) return make_error(options.socket_path + " is not a socket");
    if (!trusted(options.trusted_uids, st.st_uid))
        return make_error(options.socket_path + " is owned by uid " + std::to_string(st.st_uid) +
                          ", not by root or mfad: refusing to talk to it");
    return {};
}

Result<void> check_peer(int fd, const ClientOptions& options) {
    ucred cred{};
    socklen_t len = sizeof cred;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return make_error(errno_text("SO_PEERCRED"));
    if (!trusted(options.trusted_uids, cred.uid))
        return make_error("the server on " + options.socket_path + " runs as uid " + std::to_string(cred.uid) +
                          ", not as root or mfad: refusing to talk to it");
    return {};
}

// Unix sockets answer EAGAIN while the listen backlog is full: retry until the deadline.
Result<UniqueFd> connect_socket(const std::string& path, Clock::time_point deadline) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) return make_error("socket path too long: " + path);
    std::copy(path.begin(), path.end(), addr.sun_path);
    for (;;) {
        UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
        if (!fd) return make_error(errno_text("socket"));
        if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return fd;
        if (errno != EAGAIN && errno != EINTR) return make_error(errno_text(path.c_str()));
        if (remaining_ms(deadline) == 0) return make_error(path + ": timed out connecting (daemon busy)");
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

}  // namespace

std::vector<uid_t> default_trusted_uids() {
    std::vector<uid_t> uids{0};
    passwd pw{};
    passwd* found = nullptr;
    std::array<char, 1024> buf{};
    if (getpwnam_r("mfad", &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr && pw.pw_uid != 0)
        uids.push_back(pw.pw_uid);
    return uids;
}

Reply::Reply(MessageType type, std::vector<std::uint8_t> payload) : type_(type), payload_(std::move(payload)) {}

Reply::~Reply() {
    if (!payload_.empty()) explicit_bzero(payload_.data(), payload_.size());
}

Result<Client> Client::open(const ClientOptions& options) {
    auto deadline = Clock::now() + options.timeout;
    if (auto owner = check_socket_owner(options); !owner) return owner.error();
    auto fd = connect_socket(options.socket_path, deadline);
    if (!fd) return fd.error();
    if (auto peer = check_peer(fd->get(), options); !peer) return peer.error();

    Client client(std::move(*fd), options.timeout);
    client.protocol_min_ = options.protocol_min;
    auto hello = encode(Hello{options.protocol_min, kProtocolMax, std::string("mfa-client/") + kVersion},
                        client.next_request_id());  // kHelloRequestId: the first id
    auto bytes = hello.finish();
    if (!bytes) return bytes.error();
    client.pending_hello_.assign(bytes->begin(), bytes->end());
    return client;
}

Result<Client> Client::connect(const ClientOptions& options) {
    auto client = open(options);
    if (!client) return client.error();
    auto deadline = Clock::now() + options.timeout;
    auto hello = std::exchange(client->pending_hello_, {});
    if (auto sent = client->write_all(hello, deadline); !sent) return sent.error();
    auto reply = client->read_reply(kHelloRequestId, deadline);
    if (!reply) return reply.error();
    if (auto ok = client->accept_hello(*reply); !ok) return ok.error();
    return client;
}

Result<void> Client::accept_hello(const Reply& reply) {
    if (reply.type() != MessageType::hello_ok) return make_error("daemon answered the handshake with a wrong frame");
    auto fields = reply.fields();
    if (!fields) return fields.error();
    auto ok = decode_hello_ok(*fields);
    if (!ok) return ok.error();
    if (ok->protocol < protocol_min_ || ok->protocol > kProtocolMax)
        return make_error("daemon chose protocol " + std::to_string(ok->protocol) + " which this client does not speak");
    server_ = std::move(*ok);
    return {};
}

Result<void> Client::write_all(std::span<const std::uint8_t> bytes, Clock::time_point deadline) {
    while (!bytes.empty()) {
        ssize_t n = send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n > 0) {
            bytes = bytes.subspan(static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN && wait_for(fd_.get(), POLLOUT, deadline)) continue;
        return make_error(errno == ETIMEDOUT ? "daemon timed out" : errno_text("send"));
    }
    return {};
}

Client::~Client() {
    if (!in_.empty()) explicit_bzero(in_.data(), in_.size());
}

Result<void> Client::fill(std::size_t n, Clock::time_point deadline) {
    if (in_.size() - in_begin_ >= n) return {};
    in_.erase(in_.begin(), in_.begin() + static_cast<std::ptrdiff_t>(in_begin_));
    in_begin_ = 0;
    std::array<std::uint8_t, kHeaderSize + kMaxPayload> chunk{};
    while (in_.size() < n) {
        if (!wait_for(fd_.get(), POLLIN, deadline))
            return make_error(errno == ETIMEDOUT ? "daemon timed out" : errno_text("poll"));
        ssize_t got = recv(fd_.get(), chunk.data(), chunk.size(), 0);
        if (got > 0) {
            in_.insert(in_.end(), chunk.begin(), chunk.begin() + got);
            explicit_bzero(chunk.data(), static_cast<std::size_t>(got));
            continue;
        }
        if (got == 0) return make_error("daemon closed the connection");
        if (errno != EINTR && errno != EAGAIN) return make_error(errno_text("recv"));
    }
    return {};
}

Result<Reply> Client::call(FrameWriter& request) {
    daemon_error_.reset();
    auto deadline = Clock::now() + timeout_;
    auto bytes = request.finish();
    if (!bytes) return bytes.error();
    if (pending_hello_.empty()) {
        if (auto sent = write_all(*bytes, deadline); !sent) return sent.error();
        return read_reply_after_notes(request.request_id(), deadline);
    }
    // The first call of an open()ed client: HELLO and the request in one write.
    auto hello = std::exchange(pending_hello_, {});
    hello.insert(hello.end(), bytes->begin(), bytes->end());
    if (auto sent = write_all(hello, deadline); !sent) return sent.error();
    auto greeting = read_reply(kHelloRequestId, deadline);
    if (!greeting) return greeting.error();
    if (auto ok = accept_hello(*greeting); !ok) return ok.error();
    return read_reply_after_notes(request.request_id(), deadline);
}

Result<Reply> Client::read_reply_after_notes(std::uint32_t request_id, Clock::time_point deadline) {
    constexpr std::size_t kMaxNotes = 8;  // a QR code takes two
    notes_.clear();
    for (;;) {
        auto reply = read_reply(request_id, deadline);
        if (!reply || reply->type() != MessageType::note) return reply;
        if (notes_.size() == kMaxNotes) return make_error("daemon sent too many notes");
        auto fields = reply->fields();
        auto note = fields ? decode_note(*fields) : Result<Note>(fields.error());
        if (!note) return make_error("daemon sent a bad note (" + note.error().message + ")");
        notes_.push_back(std::move(note->text));
    }
}

Result<Reply> Client::read_reply(std::uint32_t request_id, Clock::time_point deadline) {
    if (auto got = fill(kHeaderSize, deadline); !got) return got.error();
    auto header = decode_header(std::span<const std::uint8_t, kHeaderSize>(in_.data() + in_begin_, kHeaderSize));
    if (!header) return make_error("daemon sent a bad frame (" + header.error().message + ")");
    if (header->request_id != request_id) return make_error("daemon answered a different request");
    if (auto got = fill(kHeaderSize + header->length, deadline); !got) return got.error();
    auto body = in_.begin() + static_cast<std::ptrdiff_t>(in_begin_ + kHeaderSize);
    Reply reply(header->type, std::vector<std::uint8_t>(body, body + header->length));
    std::fill(body, body + header->length, std::uint8_t{0});
    in_begin_ += kHeaderSize + header->length;
    if (reply.type() != MessageType::error) return reply;

    auto fields = reply.fields();
    if (!fields) return fields.error();
    auto error = decode_error(*fields);
    if (!error) return make_error("daemon sent a bad error frame (" + error.error().message + ")");
    daemon_error_ = error->code;
    return make_error("daemon: " + error_code_name(error->code) + ": " + error->message);
}

}  // namespace mfa::wire
