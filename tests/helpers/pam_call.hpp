// pam_mfa.so's pam_sm_authenticate called directly, with any arguments: the
// stack would hide PAM_IGNORE, and a table of cases needs both fail modes.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace mfa::test {

struct PamCall {
    int rc = -1;
    std::string errors;  // PAM_ERROR_MSG texts, one per line
    std::string infos;   // PAM_TEXT_INFO texts, one per line
    int prompts = 0;     // prompts shown, hidden or not
    std::size_t longest_message = 0;  // bytes, of any message
    int largest_call = 0;             // messages in one conversation call
    std::string prompt_texts;  // each prompt, then "|hidden" or "|echo", one per line
};

// Runs under pam_wrapper (service "mfa"); prompts get `answers` in order. `at_prompt` runs when a prompt is shown, before it is answered (the
// moment to change the world under a waiting login). `after_return` runs
// when the module has returned, before pam_end and dlclose touch memory.
PamCall call_pam_mfa(const std::string& user, const std::vector<std::string>& args,
                     const std::vector<std::string>& answers = {}, int flags = 0,
                     const char* entry = "pam_sm_authenticate", const std::function<void()>& at_prompt = {},
                     const std::function<void()>& after_return = {});

// A conversation that answers from what it was shown: `respond` gets the
// messages so far and the prompt, and returns the answer (none: no answer).
struct PamScript {
    std::vector<std::string> args;
    int flags = 0;
    std::string tty;  // PAM_TTY; empty: unset (no terminal, as for cron)
    std::function<std::string(const PamCall& so_far, const std::string& prompt)> respond;
    std::string rhost = {};  // PAM_RHOST; empty: unset (a local login)
};

PamCall run_pam_mfa(const std::string& user, const PamScript& script);

// A whole stack, as an application runs it: pam_authenticate, then (on
// success) pam_acct_mgmt, for `service` under pam_wrapper.
struct StackRun {
    int auth = -1;
    int account = -1;  // -1: not called
    PamCall shown;     // what the conversation saw (shown.rc unused)
};
StackRun run_pam_stack(const std::string& service, const std::string& user, const std::vector<std::string>& answers);

}  // namespace mfa::test
