// The PAM conversation: the steps mfad sends (errors, information, one
// prompt) in one pam_conv call, and messages that PAM_SILENT suppresses.
#pragma once

#include <security/pam_modules.h>

#include <functional>
#include <string>
#include <vector>

#include "mfa/wire/login_messages.hpp"
#include "typed_answer.hpp"

namespace mfa::pam {

class Conversation {
public:
    Conversation(pam_handle_t* pamh, bool silent) : pamh_(pamh), silent_(silent) {}

    // Shows `step` and fills `answer` with the reply to its prompt; false when
    // the conversation failed. PAM's copy of the answer is wiped.
    bool show(const wire::Step& step, TypedAnswer& answer);
    // One hidden prompt of the module's own (forward_pass).
    bool ask_hidden(const std::string& prompt, TypedSecret& answer);
    void info(const std::string& text);
    void error(const std::string& text);

private:
    void say(int style, const std::string& text);
    // One pam_conv call; `answer` takes the reply to the last message, a prompt.
    bool converse(std::vector<pam_message>& messages, std::vector<std::string>& texts,
                  const std::function<void(const char*)>& take_answer);
    pam_handle_t* pamh_;
    bool silent_;
};

}  // namespace mfa::pam
