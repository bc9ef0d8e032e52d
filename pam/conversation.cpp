#include "conversation.hpp"

#include <security/pam_ext.h>
#include <string.h>

#include <cstdlib>

namespace mfa::pam {

void TypedAnswer::assign(const char* text) {
    std::size_t n = strlen(text);
    too_long_ = n > bytes_.size();
    size_ = too_long_ ? 0 : n;
    if (!too_long_) memcpy(bytes_.data(), text, n);
}

bool Conversation::ask_hidden(const std::string& prompt, TypedAnswer& answer) {
    char* response = nullptr;
    if (pam_prompt(pamh_, PAM_PROMPT_ECHO_OFF, &response, "%s", prompt.c_str()) != PAM_SUCCESS || response == nullptr)
        return false;
    answer.assign(response);
    explicit_bzero(response, strlen(response));
    free(response);
    return true;
}

void Conversation::say(int style, const std::string& text) {
    if (silent_) return;
    char* ignored = nullptr;
    if (pam_prompt(pamh_, style, &ignored, "%s", text.c_str()) == PAM_SUCCESS) free(ignored);
}

void Conversation::info(const std::string& text) { say(PAM_TEXT_INFO, text); }

void Conversation::error(const std::string& text) { say(PAM_ERROR_MSG, text); }

}  // namespace mfa::pam
