#!/bin/sh
# The password module of the forward_pass stacks (pam_exec expose_authtok):
# PAM_AUTHTOK arrives on stdin, NUL-terminated; only "s3cret pass" passes.
[ "$(tr -d '\000')" = "s3cret pass" ]
