#include "pam_call.hpp"

#include <dlfcn.h>
#include <security/pam_appl.h>
#include <string.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

namespace mfa::test {
namespace {

struct Conversation {
    const std::vector<std::string>& answers;
    PamCall& out;
    const std::function<void()>& at_prompt;
    const PamScript* script = nullptr;  // answers from what was shown, when set
};

int converse(int n, const pam_message** msg, pam_response** resp, void* data) {
    auto* conv = static_cast<Conversation*>(data);
    *resp = static_cast<pam_response*>(calloc(static_cast<std::size_t>(n), sizeof(pam_response)));
    conv->out.largest_call = std::max(conv->out.largest_call, n);
    for (int i = 0; i < n; ++i) {
        conv->out.longest_message = std::max(conv->out.longest_message, strlen(msg[i]->msg));
        switch (msg[i]->msg_style) {
            case PAM_PROMPT_ECHO_OFF:
            case PAM_PROMPT_ECHO_ON: {
                conv->out.prompt_texts += std::string(msg[i]->msg) +
                                          (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF ? "|hidden\n" : "|echo\n");
                if (conv->at_prompt) conv->at_prompt();
                auto next = static_cast<std::size_t>(conv->out.prompts++);
                if (conv->script != nullptr && conv->script->respond)
                    (*resp)[i].resp = strdup(conv->script->respond(conv->out, msg[i]->msg).c_str());
                else if (conv->script == nullptr && next < conv->answers.size())
                    (*resp)[i].resp = strdup(conv->answers[next].c_str());
                break;
            }
            case PAM_ERROR_MSG: conv->out.errors += std::string(msg[i]->msg) + "\n"; break;
            case PAM_TEXT_INFO: conv->out.infos += std::string(msg[i]->msg) + "\n"; break;
            default: break;
        }
    }
    return PAM_SUCCESS;
}

using ModuleFn = int (*)(pam_handle_t*, int, int, const char**);

}  // namespace

PamCall call_pam_mfa(const std::string& user, const std::vector<std::string>& args,
                     const std::vector<std::string>& answers, int flags, const char* entry,
                     const std::function<void()>& at_prompt, const std::function<void()>& after_return) {
    PamCall out;
    Conversation data{answers, out, at_prompt};
    pam_conv conv{converse, &data};
    pam_handle_t* pamh = nullptr;
    if (pam_start("mfa", user.c_str(), &conv, &pamh) != PAM_SUCCESS) throw std::runtime_error("pam_start failed");
    void* module = dlopen(PAM_MFA_PATH, RTLD_NOW | RTLD_LOCAL);
    if (module == nullptr) throw std::runtime_error(dlerror());
    auto fn = reinterpret_cast<ModuleFn>(dlsym(module, entry));
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    out.rc = fn(pamh, flags, static_cast<int>(argv.size()), argv.data());
    if (after_return) after_return();
    dlclose(module);
    pam_end(pamh, out.rc);
    return out;
}

PamCall run_pam_mfa(const std::string& user, const PamScript& script) {
    PamCall out;
    const std::vector<std::string> none;
    const std::function<void()> nothing;
    Conversation data{none, out, nothing, &script};
    pam_conv conv{converse, &data};
    pam_handle_t* pamh = nullptr;
    if (pam_start("mfa", user.c_str(), &conv, &pamh) != PAM_SUCCESS) throw std::runtime_error("pam_start failed");
    if (!script.tty.empty()) pam_set_item(pamh, PAM_TTY, script.tty.c_str());
    if (!script.rhost.empty()) pam_set_item(pamh, PAM_RHOST, script.rhost.c_str());
    void* module = dlopen(PAM_MFA_PATH, RTLD_NOW | RTLD_LOCAL);
    if (module == nullptr) throw std::runtime_error(dlerror());
    auto fn = reinterpret_cast<ModuleFn>(dlsym(module, "pam_sm_authenticate"));
    std::vector<const char*> argv;
    for (const auto& a : script.args) argv.push_back(a.c_str());
    out.rc = fn(pamh, script.flags, static_cast<int>(argv.size()), argv.data());
    dlclose(module);
    pam_end(pamh, out.rc);
    return out;
}

StackRun run_pam_stack(const std::string& service, const std::string& user, const std::vector<std::string>& answers) {
    StackRun out;
    const std::function<void()> nothing;
    Conversation data{answers, out.shown, nothing};
    pam_conv conv{converse, &data};
    pam_handle_t* pamh = nullptr;
    if (pam_start(service.c_str(), user.c_str(), &conv, &pamh) != PAM_SUCCESS) throw std::runtime_error("pam_start failed");
    out.auth = pam_authenticate(pamh, 0);
    if (out.auth == PAM_SUCCESS) out.account = pam_acct_mgmt(pamh, 0);
    pam_end(pamh, out.auth);
    return out;
}

}  // namespace mfa::test
