#include "forwarded_code.hpp"

#include <security/pam_ext.h>
#include <string.h>
#include <syslog.h>

#include <new>

#include "conversation.hpp"
#include "password_split.hpp"

namespace mfa::pam {
namespace {

constexpr const char* kDataName = "mfa_forwarded_code";

// Lives in PAM's data until pam_end; wiped there.
struct KeptCode {
    char code[wire::kMaxCode + 1] = {};
    bool taken = false;
};

void wipe_kept(pam_handle_t*, void* data, int) {
    auto* kept = static_cast<KeptCode*>(data);
    explicit_bzero(kept->code, sizeof kept->code);
    delete kept;
}

KeptCode* kept_code(pam_handle_t* pamh) {
    const void* data = nullptr;
    if (pam_get_data(pamh, kDataName, &data) != PAM_SUCCESS || data == nullptr) return nullptr;
    return static_cast<KeptCode*>(const_cast<void*>(data));
}

}  // namespace

int forward_password(pam_handle_t* pamh, int flags, const ModuleArgs& args) {
    Conversation conv(pamh, (flags & PAM_SILENT) != 0);
    TypedSecret typed;
    if (!conv.ask_hidden("Password and code: ", typed)) return PAM_CONV_ERR;
    if (typed.too_long()) {
        conv.error("That is longer than a password and a code can be.");
        return PAM_AUTH_ERR;
    }
    auto split = split_password_and_code(typed.view(), args.code_digits);
    if (split.code.size() > wire::kMaxCode) {
        conv.error("That code is too long.");
        return PAM_AUTH_ERR;
    }
    auto* kept = new (std::nothrow) KeptCode;
    if (kept == nullptr) return PAM_BUF_ERR;
    if (!split.code.empty()) memcpy(kept->code, split.code.data(), split.code.size());
    if (pam_set_data(pamh, kDataName, kept, wipe_kept) != PAM_SUCCESS) {
        wipe_kept(pamh, kept, 0);
        return PAM_BUF_ERR;
    }
    // pam_set_item copies the string; this copy and `typed` are wiped here.
    char password[PAM_MAX_RESP_SIZE + 1] = {};
    if (!split.password.empty()) memcpy(password, split.password.data(), split.password.size());
    int rc = pam_set_item(pamh, PAM_AUTHTOK, password);
    explicit_bzero(password, sizeof password);
    if (rc != PAM_SUCCESS) return rc;
    // Neither a success nor a failure: the password and the code decide.
    return PAM_IGNORE;
}

std::optional<std::string> take_forwarded_code(pam_handle_t* pamh) {
    KeptCode* kept = kept_code(pamh);
    if (kept == nullptr || kept->taken) return std::nullopt;
    kept->taken = true;
    std::string code(kept->code);
    explicit_bzero(kept->code, sizeof kept->code);
    return code;
}

bool forwarded_code_unspent(pam_handle_t* pamh) {
    KeptCode* kept = kept_code(pamh);
    if (kept == nullptr || kept->taken) return false;
    pam_syslog(pamh, LOG_ERR,
               "forward_pass kept a code that no later 'auth required pam_mfa.so' line checked; refusing "
               "(add that line after the password module)");
    return true;
}

}  // namespace mfa::pam
