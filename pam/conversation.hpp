// The PAM conversation: a hidden prompt for the code, and messages that
// PAM_SILENT suppresses.
#pragma once

#include <security/pam_modules.h>

#include <string>

#include "typed_answer.hpp"

namespace mfa::pam {

class Conversation {
public:
    Conversation(pam_handle_t* pamh, bool silent) : pamh_(pamh), silent_(silent) {}

    // Fills `answer`; false when the conversation failed. PAM's copy is wiped.
    bool ask_hidden(const std::string& prompt, TypedAnswer& answer);
    void info(const std::string& text);
    void error(const std::string& text);

private:
    void say(int style, const std::string& text);
    pam_handle_t* pamh_;
    bool silent_;
};

}  // namespace mfa::pam
