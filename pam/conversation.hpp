// The PAM conversation: a hidden prompt for the code, and messages that
// PAM_SILENT suppresses.
#pragma once

#include <security/pam_modules.h>

#include <optional>
#include <string>

namespace mfa::pam {

class Conversation {
public:
    Conversation(pam_handle_t* pamh, bool silent) : pamh_(pamh), silent_(silent) {}

    // The answer, or nullopt when the conversation failed. The caller wipes it.
    std::optional<std::string> ask_hidden(const std::string& prompt);
    void info(const std::string& text);
    void error(const std::string& text);

private:
    void say(int style, const std::string& text);
    pam_handle_t* pamh_;
    bool silent_;
};

}  // namespace mfa::pam
