// mfad <-> mfad-notify for push approval: mfad sends PUSH_SEND; the sender
// answers PUSH_CREATED with the provider's challenge id, then PUSH_RESULT
// (or ERROR) on the same connection when the push is answered or expires.
#pragma once

#include <cstdint>
#include <string>

#include "mfa/result.hpp"
#include "mfa/wire/tlv.hpp"

namespace mfa::wire {

inline constexpr std::size_t kMaxDevice = 128;
inline constexpr std::size_t kMaxHost = 64;
inline constexpr std::size_t kMaxPushStatus = 16;
inline constexpr std::uint32_t kMaxPushSeconds = 600;

// A device id names the provider's record of a phone: it goes into URLs and
// a program's stdin, so it is letters, digits and . _ : / - only.
bool valid_device_id(std::string_view id);

struct PushSend {
    std::string device;
    std::string text;         // what the phone shows: who, where, from where
    std::uint32_t number = 0; // the two-digit number to pick (10-99)
    std::uint64_t correlation = 0;
    std::string user;
    std::string host;
    std::string service;
    std::string rhost;
    std::uint64_t time = 0;
    std::uint32_t timeout_s = 60;  // how long the push may wait for an answer
};

struct PushCreated {
    std::string challenge_id;
};

// status: approved | denied | expired. number: the one picked on the phone,
// 0 when the provider does not say. not_me: a denial reported as fraud.
// number_unreported: the provider never reports the pick (twilio-verify), so
// its approval without a number is still one.
struct PushResult {
    std::string status;
    std::uint32_t number = 0;
    bool not_me = false;
    bool number_unreported = false;
};

FrameWriter encode(const PushSend& m, std::uint32_t request_id);
FrameWriter encode(const PushCreated& m, std::uint32_t request_id);
FrameWriter encode(const PushResult& m, std::uint32_t request_id);
Result<PushSend> decode_push_send(const PayloadReader& p);
Result<PushCreated> decode_push_created(const PayloadReader& p);
Result<PushResult> decode_push_result(const PayloadReader& p);

}  // namespace mfa::wire
