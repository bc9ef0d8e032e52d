#include "conversation.hpp"

#include <security/pam_ext.h>
#include <string.h>

#include <cstdlib>
#include <string_view>
#include <vector>

#include "mfa/utf8.hpp"

namespace mfa::pam {
namespace {

// Adds `text` as messages of `style`: each line escaped (mfad is trusted, but
// a terminal should never get a control sequence from a PAM module), lines
// packed into messages below PAM_MAX_MSG_SIZE, since many conversation
// functions refuse longer ones, and sshd refuses more than PAM_MAX_NUM_MSG.
void add_lines(std::vector<pam_message>& out, std::vector<std::string>& texts, int style, const std::string& text) {
    constexpr std::size_t kMax = PAM_MAX_MSG_SIZE - 1;
    std::string message;
    bool open = false;
    auto flush = [&] {
        if (!open) return;
        texts.push_back(std::move(message));
        out.push_back(pam_message{style, nullptr});
        message.clear();
        open = false;
    };
    for (std::size_t at = 0; at < text.size();) {
        auto end = text.find('\n', at);
        if (end == std::string::npos) end = text.size();
        std::string line = printable(std::string_view(text).substr(at, end - at));
        at = end + 1;
        if (open && message.size() + 1 + line.size() > kMax) flush();
        while (line.size() > kMax) {  // a line too long for one message: wrapped, on a character boundary
            std::size_t cut = kMax;
            while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xc0) == 0x80) --cut;
            message = line.substr(0, cut);
            line.erase(0, cut);
            open = true;
            flush();
        }
        message += (open ? "\n" : "") + line;
        open = true;
    }
    flush();
}

// Frees a conversation's responses, wiping each.
void release(pam_response* responses, std::size_t n) {
    if (responses == nullptr) return;
    for (std::size_t i = 0; i < n; ++i) {
        if (responses[i].resp == nullptr) continue;
        explicit_bzero(responses[i].resp, strlen(responses[i].resp));
        free(responses[i].resp);
    }
    free(responses);
}

}  // namespace

bool Conversation::converse(std::vector<pam_message>& messages, std::vector<std::string>& texts,
                            const std::function<void(const char*)>& take_answer) {
    const void* item = nullptr;
    if (pam_get_item(pamh_, PAM_CONV, &item) != PAM_SUCCESS || item == nullptr) return false;
    const auto* conv = static_cast<const pam_conv*>(item);
    if (conv->conv == nullptr || messages.empty() || messages.size() > PAM_MAX_NUM_MSG) return false;
    std::vector<const pam_message*> pointers;
    for (std::size_t i = 0; i < messages.size(); ++i) {
        messages[i].msg = texts[i].c_str();
        pointers.push_back(&messages[i]);
    }
    pam_response* responses = nullptr;
    int rc = conv->conv(static_cast<int>(pointers.size()), pointers.data(), &responses, conv->appdata_ptr);
    bool answered = rc == PAM_SUCCESS;
    if (take_answer) {
        answered = answered && responses != nullptr && responses[pointers.size() - 1].resp != nullptr;
        if (answered) take_answer(responses[pointers.size() - 1].resp);
    }
    release(responses, pointers.size());
    return answered;
}

bool Conversation::show(const wire::Step& step, TypedAnswer& answer) {
    // One call for the lines and the prompt: sshd's keyboard-interactive shows
    // the lines with the prompt, and a step costs one exchange with the person.
    std::vector<pam_message> messages;
    std::vector<std::string> texts;
    if (!silent_) {
        add_lines(messages, texts, PAM_ERROR_MSG, step.errors);
        add_lines(messages, texts, PAM_TEXT_INFO, step.info);
    }
    texts.push_back(printable(step.prompt));
    messages.push_back(pam_message{step.echo ? PAM_PROMPT_ECHO_ON : PAM_PROMPT_ECHO_OFF, nullptr});
    return converse(messages, texts, [&answer](const char* text) { answer.assign(text); });
}

bool Conversation::ask_hidden(const std::string& prompt, TypedSecret& answer) {
    std::vector<pam_message> messages{pam_message{PAM_PROMPT_ECHO_OFF, nullptr}};
    std::vector<std::string> texts{prompt};
    return converse(messages, texts, [&answer](const char* text) { answer.assign(text); });
}

void Conversation::say(int style, const std::string& text) {
    if (silent_ || text.empty()) return;
    std::vector<pam_message> messages;
    std::vector<std::string> texts;
    add_lines(messages, texts, style, text);
    converse(messages, texts, {});
}

void Conversation::info(const std::string& text) { say(PAM_TEXT_INFO, text); }

void Conversation::error(const std::string& text) { say(PAM_ERROR_MSG, text); }

}  // namespace mfa::pam
