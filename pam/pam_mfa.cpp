// pam_mfa.so entry points. Nothing may throw across this C ABI, so each one
// catches everything and fails closed.
#include <security/pam_ext.h>
#include <security/pam_modules.h>
#include <syslog.h>

#include <exception>
#include <string>

#include "forwarded_code.hpp"
#include "login_flow.hpp"
#include "module_args.hpp"

extern "C" {

__attribute__((visibility("default"))) int pam_sm_authenticate(pam_handle_t* pamh, int flags, int argc,
                                                               const char** argv) {
    try {
        mfa::pam::ModuleArgs args;
        std::string problem;
        if (!mfa::pam::parse_module_args(argc, argv, args, problem)) {
            pam_syslog(pamh, LOG_ERR, "unknown or malformed argument: %s", problem.c_str());
            return PAM_SERVICE_ERR;
        }
        if (args.forward_pass) return mfa::pam::forward_password(pamh, flags, args);
        auto forwarded = mfa::pam::take_forwarded_code(pamh);
        if (forwarded) args.tries = 1;  // the person typed one code, once
        return mfa::pam::run_login(pamh, flags, args, forwarded);
    } catch (const std::exception& e) {
        pam_syslog(pamh, LOG_CRIT, "internal error: %s", e.what());
    } catch (...) {
        pam_syslog(pamh, LOG_CRIT, "internal error");
    }
    return PAM_SERVICE_ERR;
}

// A second factor sets no credentials and makes no account decision; the
// lock is enforced at authentication. PAM_IGNORE keeps both out of the result,
// except in the account stack after a forward_pass whose code no line checked:
// a stack missing its last pam_mfa.so line would let the password alone in.
// (pam_setcred cannot say so: libpam applies the action of the module's
// authenticate result, PAM_IGNORE, to its setcred result.)
__attribute__((visibility("default"))) int pam_sm_setcred(pam_handle_t*, int, int, const char**) { return PAM_IGNORE; }

__attribute__((visibility("default"))) int pam_sm_acct_mgmt(pam_handle_t* pamh, int, int, const char**) {
    try {
        return mfa::pam::forwarded_code_unspent(pamh) ? PAM_PERM_DENIED : PAM_IGNORE;
    } catch (...) {
        return PAM_PERM_DENIED;
    }
}

}  // extern "C"
