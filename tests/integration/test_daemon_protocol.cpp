// mfad against bad clients: every malformed frame ends only its own connection,
// slow and idle clients are cut off, the connection cap holds, and the daemon
// keeps serving good clients throughout.
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "cmocka.hpp"
#include "enrollment.hpp"
#include "mfa/wire/login_messages.hpp"
#include "suite_daemon.hpp"
#include "mfa/version.hpp"
#include "mfa/wire/byte_order.hpp"
#include "mfa/wire/client.hpp"
#include "login_client.hpp"
#include "raw_client.hpp"
#include "store/sqlite_store.hpp"

using namespace mfa;
using namespace mfa::test;

namespace {

int start_daemon(void**) {
    return start_suite_daemon({.extra_yaml = "connections: { max: 64, idle_timeout: 1s }\n"});
}

void assert_good_client_served(const std::string& socket) {
    wire::ClientOptions options{socket, std::chrono::seconds(3), {0}};
    auto client = wire::Client::connect(options);
    if (!client) fail_msg("good client refused: %s", client.error().message.c_str());
    auto ping = wire::encode_empty(wire::MessageType::ping, client->next_request_id());
    auto pong = client->call(ping);
    if (!pong) fail_msg("ping failed: %s", pong.error().message.c_str());
    assert_true(pong->type() == wire::MessageType::pong);
}

// Sends `bytes` (after a handshake if asked); expects an ERROR naming `reason`, then the close.
void assert_refused(const std::vector<std::uint8_t>& bytes, const char* reason, bool handshake_first = false,
                    wire::ErrorCode code = wire::ErrorCode::malformed) {
    RawClient raw(suite_daemon().socket());
    assert_true(raw.connected());
    if (handshake_first) assert_true(raw.handshake());
    assert_true(raw.send_bytes(bytes));
    auto reply = raw.receive();
    if (!reply) fail_msg("no ERROR frame for case \"%s\"", reason);
    assert_int_equal(static_cast<int>(reply->header.type), static_cast<int>(wire::MessageType::error));
    auto fields = wire::PayloadReader::parse(reply->payload);
    auto error = wire::decode_error(*fields);
    assert_true(error.ok());
    assert_int_equal(static_cast<int>(error->code), static_cast<int>(code));
    assert_contains(error->message, reason);
    assert_true(raw.closed_by_peer());
    assert_good_client_served(suite_daemon().socket());
}

std::vector<std::uint8_t> header(std::uint32_t magic, std::uint16_t version, std::uint16_t type, std::uint32_t length) {
    std::vector<std::uint8_t> h(wire::kHeaderSize);
    wire::put_be32(&h[0], magic);
    wire::put_be16(&h[4], version);
    wire::put_be16(&h[6], type);
    wire::put_be32(&h[8], length);
    wire::put_be32(&h[12], 77);
    return h;
}

void handshake_ping_status(void**) {
    wire::ClientOptions options{suite_daemon().socket(), std::chrono::seconds(3), {0}};
    auto client = wire::Client::connect(options);
    assert_true(client.ok());
    assert_int_equal(client->server().protocol, wire::kProtocolMax);
    assert_str_eq(client->server().software, std::string("mfad/") + kVersion);
    auto status_request = wire::encode_empty(wire::MessageType::status, client->next_request_id());
    auto reply = client->call(status_request);
    assert_true(reply.ok());
    auto status = wire::decode_status_reply(*reply->fields());
    assert_true(status.ok());
    assert_str_eq(status->software, kVersion);
    assert_int_equal(status->schema_version, daemon::latest_schema_version());
    assert_true(status->uptime_ms < 60000);
}

// mfad reads ahead: frames that arrive together, or in pieces, are each
// answered in order; and a client may send HELLO with its first request.
void frames_together_or_in_pieces_are_answered_in_order(void**) {
    RawClient raw(suite_daemon().socket());
    assert_true(raw.connected());
    auto hello = wire::encode(wire::Hello{2, 2, "test"}, 1);
    auto ping = wire::encode_empty(wire::MessageType::ping, 2);
    auto status = wire::encode_empty(wire::MessageType::status, 3);
    auto together = frame_bytes(hello);
    for (auto* frame : {&ping, &status}) {
        auto bytes = frame_bytes(*frame);
        together.insert(together.end(), bytes.begin(), bytes.end());
    }
    assert_true(raw.send_bytes(together));
    for (auto [id, type] : {std::pair{1u, wire::MessageType::hello_ok}, std::pair{2u, wire::MessageType::pong},
                            std::pair{3u, wire::MessageType::status_reply}}) {
        auto reply = raw.receive();
        assert_true(reply.has_value());
        assert_int_equal(reply->header.request_id, id);
        assert_int_equal(static_cast<int>(reply->header.type), static_cast<int>(type));
    }
    // One frame byte by byte, then a frame and a half, then the rest.
    auto ping4 = wire::encode_empty(wire::MessageType::ping, 4);
    for (auto byte : frame_bytes(ping4)) assert_true(raw.send_bytes({byte}));
    assert_int_equal(raw.receive()->header.request_id, 4);
    auto status5 = wire::encode_empty(wire::MessageType::status, 5);
    auto ping6 = wire::encode_empty(wire::MessageType::ping, 6);
    auto pieces = frame_bytes(status5);
    auto next = frame_bytes(ping6);
    pieces.insert(pieces.end(), next.begin(), next.begin() + 7);
    assert_true(raw.send_bytes(pieces));
    assert_int_equal(raw.receive()->header.request_id, 5);
    assert_true(raw.send_bytes(std::vector<std::uint8_t>(next.begin() + 7, next.end())));
    assert_int_equal(raw.receive()->header.request_id, 6);

    // The library's deferred handshake: HELLO rides with the first call.
    auto client = wire::Client::open({suite_daemon().socket(), std::chrono::seconds(3), {0}});
    assert_true(client.ok());
    auto first = wire::encode_empty(wire::MessageType::ping, client->next_request_id());
    auto pong = client->call(first);
    assert_true(pong.ok() && pong->type() == wire::MessageType::pong);
    assert_str_eq(client->server().software, std::string("mfad/") + kVersion);
}

// The idle timeout (1 s here) gives way to the login's timeout while a
// person types, and comes back once the login is over: a connection left
// open after ALLOW is cut at the idle timeout, not minutes later.
void a_login_outlives_the_idle_timeout_and_then_the_connection_idles_out(void**) {
    auto secret = enroll_user(suite_daemon().socket(), "ida");
    RawClient raw(suite_daemon().socket());
    assert_true(raw.connected() && raw.handshake());
    auto begin = wire::encode(wire::Begin{"ida", "sshd", "", ""}, 2);
    assert_true(raw.send(begin));
    auto challenge_frame = raw.receive();
    assert_true(challenge_frame && challenge_frame->header.type == wire::MessageType::step);
    auto challenge = wire::decode_step(*wire::PayloadReader::parse(challenge_frame->payload));
    assert_true(challenge.ok());

    std::this_thread::sleep_for(std::chrono::milliseconds(1600));  // the person types slowly
    auto answer = wire::encode(wire::Answer{challenge->session, oathtool_code(secret, unix_now())}, 3);
    assert_true(raw.send(answer));
    auto verdict = raw.receive();
    assert_true(verdict && verdict->header.type == wire::MessageType::allow);

    auto done = std::chrono::steady_clock::now();
    assert_true(raw.closed_by_peer(4000));
    assert_true(std::chrono::steady_clock::now() - done < std::chrono::milliseconds(2500));
}

void malformed_frames_end_only_their_connection(void**) {
    const std::string http = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    assert_refused({http.begin(), http.end()}, "bad magic");
    assert_refused(header(0x12345678, 1, 1, 0), "bad magic");
    assert_refused(header(wire::kMagic, 2, 1, 0), "unsupported frame version");
    assert_refused(header(wire::kMagic, 1, 99, 0), "unknown message type");
    assert_refused(header(wire::kMagic, 1, 1, 1u << 30), "size cap");
    assert_refused(header(wire::kMagic, 1, 1, wire::kMaxPayload + 1), "size cap");

    auto truncated_tlv = header(wire::kMagic, 1, 1, 3);
    truncated_tlv.insert(truncated_tlv.end(), {0, 1, 0});
    assert_refused(truncated_tlv, "truncated field header");

    auto ping_first = wire::encode_empty(wire::MessageType::ping, 5);
    assert_refused(frame_bytes(ping_first), "first frame must be HELLO");

    wire::FrameWriter bad_text(wire::MessageType::hello, 5);
    bad_text.u16(wire::Tag::protocol_min, 2).u16(wire::Tag::protocol_max, 2).text(wire::Tag::software_version, "\xc0\xaf");
    assert_refused(frame_bytes(bad_text), "UTF-8");

    auto future = wire::encode(wire::Hello{7, 9, "from the future"}, 5);
    assert_refused(frame_bytes(future), "mfad speaks protocol 2..6, the client 7..9", false,
                   wire::ErrorCode::version_mismatch);
    // A module or mfactl of the previous release (protocol 1): told so, never guessed at.
    auto old_client = wire::encode(wire::Hello{1, 1, "mfa-client/0.0.9"}, 1);
    assert_refused(frame_bytes(old_client), "mfad speaks protocol 2..6, the client 1..1", false,
                   wire::ErrorCode::version_mismatch);

    // pam_mfa.so of the release before several factors (protocol 2) still logs in:
    // the login is the same in 2 and 3. A client asking for 3 (mfactl) gets 3.
    for (std::uint16_t version : {std::uint16_t{2}, std::uint16_t{3}}) {
        RawClient peer(suite_daemon().socket());
        auto hello = wire::encode(wire::Hello{version, version, "peer"}, 1);
        assert_true(peer.send(hello));
        auto ok = peer.receive();
        assert_true(ok && ok->header.type == wire::MessageType::hello_ok);
        auto fields = wire::PayloadReader::parse(ok->payload);
        assert_int_equal(wire::decode_hello_ok(*fields)->protocol, version);
    }

    auto second_hello = wire::encode(wire::Hello{2, 2, "again"}, 6);
    assert_refused(frame_bytes(second_hello), "unexpected message type", true);
    auto client_sends_reply = wire::encode_empty(wire::MessageType::pong, 6);
    assert_refused(frame_bytes(client_sends_reply), "unexpected message type", true);
    wire::FrameWriter ping_with_field(wire::MessageType::ping, 6);
    ping_with_field.u32(wire::Tag::error_code, 1);
    assert_refused(frame_bytes(ping_with_field), "unexpected field", true);
}

void truncated_frame_then_hangup(void**) {
    {
        RawClient raw(suite_daemon().socket());
        auto frame = header(wire::kMagic, 1, 1, 0);
        frame.resize(10);
        assert_true(raw.send_bytes(frame));
    }  // EOF in the middle of a header: the daemon just drops the connection
    {
        RawClient raw(suite_daemon().socket());
        auto hello = wire::encode(wire::Hello{2, 2, "x"}, 1);
        auto bytes = frame_bytes(hello);
        bytes.pop_back();
        assert_true(raw.send_bytes(bytes));
    }  // and in the middle of a payload
    assert_good_client_served(suite_daemon().socket());
    assert_true(suite_daemon().child().running());
}

void slow_and_idle_clients_are_cut_off(void**) {
    RawClient slow(suite_daemon().socket());
    RawClient silent(suite_daemon().socket());
    RawClient between(suite_daemon().socket());
    assert_true(between.handshake());
    auto hello = wire::encode(wire::Hello{2, 2, "slow"}, 1);
    auto bytes = frame_bytes(hello);
    auto started = std::chrono::steady_clock::now();
    // One byte every 200 ms: never a whole frame within the 1 s idle timeout.
    for (std::size_t i = 0; i < 4; ++i) {
        assert_true(slow.send_bytes({bytes[i]}));
        assert_good_client_served(suite_daemon().socket());
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    assert_true(slow.closed_by_peer(3000));
    assert_true(silent.closed_by_peer(3000));
    assert_true(between.closed_by_peer(3000));
    auto waited = std::chrono::steady_clock::now() - started;
    assert_true(waited < std::chrono::milliseconds(2500));
    assert_good_client_served(suite_daemon().socket());
    assert_contains(suite_daemon().log(), "incomplete frame at idle timeout");
}

void a_flood_of_bad_clients_changes_nothing(void**) {
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([] {
            for (int i = 0; i < 25; ++i) {
                RawClient raw(suite_daemon().socket());
                raw.send_bytes({'j', 'u', 'n', 'k', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
                raw.closed_by_peer(2000);
            }
        });
    for (auto& t : threads) t.join();
    assert_good_client_served(suite_daemon().socket());
    assert_true(suite_daemon().child().running());
    // Over 200 violations, but the log holds at most 10 per 10 s.
    std::string log = suite_daemon().log();
    std::size_t lines = 0;
    for (auto at = log.find("bad request"); at != std::string::npos; at = log.find("bad request", at + 1)) ++lines;
    assert_true(lines > 0 && lines <= 30);
    assert_contains(log, "MFA_PEER_UID=0 MFA_PEER_PID=");
}

// A name on the wire is text a terminal and a log can show: no control
// character in any identifier field, and one account has one spelling.
void names_are_plain_text_and_canonical(void**) {
    auto secret = enroll_user(suite_daemon().socket(), "secalice");
    for (const char* rhost : {"\x1b]0;owned\x07", "203.0.113.5\n... reset secalice ok uid=0", "\xc2\x9b" "2J"}) {
        auto begin = wire::encode(wire::Begin{"secalice", "sshd", rhost, ""}, 2);
        assert_refused(frame_bytes(begin), "control character", true);
    }
    auto tty = wire::encode(wire::Begin{"secalice", "sshd", "", "pts/1\x7f"}, 2);
    assert_refused(frame_bytes(tty), "control character", true);

    for (const char* alias : {"SecAlice", "SECALICE"}) {
        LoginClient login(suite_daemon().socket());
        assert_false(login.begin(alias).has_value());
        assert_contains(login.last_error(), "unknown user");
    }
    for (const char* alias : {"secalice ", " secalice"}) {
        LoginClient login(suite_daemon().socket());
        assert_false(login.begin(alias).has_value());
        assert_contains(login.last_error(), "not a valid user name");
    }
    LoginClient login(suite_daemon().socket());
    assert_true(login.begin("secalice") == wire::MessageType::step);
    assert_true(login.answer(oathtool_code(secret, unix_now())) == wire::MessageType::allow);
}

}  // namespace

int main() {
    const CMUnitTest tests[] = {
        cmocka_unit_test(handshake_ping_status),
        cmocka_unit_test(frames_together_or_in_pieces_are_answered_in_order),
        cmocka_unit_test(a_login_outlives_the_idle_timeout_and_then_the_connection_idles_out),
        // First, while the log's rate limit has room for its message.
        cmocka_unit_test(slow_and_idle_clients_are_cut_off),
        cmocka_unit_test(malformed_frames_end_only_their_connection),
        cmocka_unit_test(truncated_frame_then_hangup),
        cmocka_unit_test(a_flood_of_bad_clients_changes_nothing),
        cmocka_unit_test(names_are_plain_text_and_canonical),
    };
    return cmocka_run_group_tests(tests, start_daemon, stop_suite_daemon);
}
