#!/usr/bin/env bash
# The demo: builds mfad, mfactl and pam_mfa.so, starts mfad in a private
# temporary directory (its own config, key, database and socket), enrolls a
# user, and logs in through the real pam_mfa.so with pamtester under
# pam_wrapper (private PAM service files: /etc/pam.d is never touched).
# oathtool plays the authenticator app.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build build -j"$(nproc)" --target mfad mfactl pam_mfa > /dev/null
mfad=build/daemon/mfad
mfactl="build/cli/mfactl --socket"
module=$PWD/build/pam/pam_mfa.so

work=$(mktemp -d /tmp/mfad-demo.XXXXXX)
pid=
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid"; wait "$pid" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
step() { printf '\n== %s\n' "$*"; }
mfactl="$mfactl $work/mfad.sock"

step "A key (32 random bytes, mode 0600) and a config, checked before use"
$mfad --generate-key "$work/mfad.key"
cat > "$work/mfad.yaml" <<YAML
socket: $work/mfad.sock
database: $work/state/mfad.db
key_file: $work/mfad.key
issuer: "Demo Corp"
lockout: { max_failures: 3, duration: 2m }
YAML
cat "$work/mfad.yaml"
$mfad --check-config --config "$work/mfad.yaml"

step "Start mfad (it looks every user up in NSS: nss_wrapper adds the account 'demo', /etc stays untouched)"
{ cat /etc/passwd; echo "demo:x:20000:20000::/nonexistent:/usr/sbin/nologin"; } > "$work/passwd"
cp /etc/group "$work/group"
MFAD_LOG=stderr LD_PRELOAD=libnss_wrapper.so NSS_WRAPPER_PASSWD="$work/passwd" NSS_WRAPPER_GROUP="$work/group" \
  $mfad --config "$work/mfad.yaml" 2> "$work/mfad.log" &
pid=$!
for _ in $(seq 100); do [ -S "$work/mfad.sock" ] && break; sleep 0.05; done
$mfactl ping

step "Enroll user 'demo': the secret is made and sealed by mfad, shown once"
$mfactl enroll totp --user demo --qr-png "$work/demo-qr.png" | tee "$work/enroll.txt"
secret=$(awk '/^Secret:/ {print $2}' "$work/enroll.txt")
code() { oathtool --totp -b --now="@$(( $(date +%s) + ${1:-0} ))" "$secret"; }

step "Confirm with a code from the app (oathtool)"
code -30 | $mfactl enroll confirm --user demo    # the code on stdin: never in argv, where ps shows it
$mfactl enroll totp --user demo || echo "(exit $?: enrolling again is refused)"
$mfactl status --user demo

step "Log in through pam_mfa.so (pamtester, pam_wrapper, service 'mfa-demo': tries=1)"
mkdir "$work/pam.d"
echo "auth required $module socket=$work/mfad.sock tries=1" > "$work/pam.d/mfa-demo"
echo "auth required pam_deny.so" > "$work/pam.d/other"
login() {  # login DESCRIPTION CODE
  printf -- '-- %s: ' "$1"
  if echo "$2" | LD_PRELOAD=libpam_wrapper.so PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$work/pam.d" \
       pamtester mfa-demo demo authenticate > "$work/pam.out" 2>&1; then
    echo "ALLOWED"
  else
    echo "DENIED"
  fi
  grep -v -e '^pamtester' -e 'PWRAP' "$work/pam.out" | sed 's/^/     /' || true
}
now_code=$(code)
login "the right code" "$now_code"
login "the same code again (a replay: failure 1 of 3)" "$now_code"
login "a wrong code (failure 2)" 000000
login "a wrong code (failure 3: locks for 2 minutes)" 111111
login "the next step's right code, while locked" "$(code 30)"
$mfactl status --user demo

step "The audit trail (hash-chained rows; no codes, no secrets)"
sqlite3 -column -header "$work/state/mfad.db" \
  "SELECT id, datetime(time, 'unixepoch') AS time, event, user, result, service FROM audit"
if grep -q -e "$secret" -e "$now_code" "$work/mfad.log" "$work/state/mfad.db"; then
  echo "LEAK: a secret or code was found"; exit 1
fi
echo "(neither the secret nor a code appears in the log or the database)"

step "Reload with a broken config: refused, the running config stays"
printf 'lockout: { max_failures: 0 }\n' >> "$work/mfad.yaml"
kill -HUP "$pid"
sleep 0.3
grep "reload" "$work/mfad.log"

step "Stop with SIGTERM"
kill -TERM "$pid"
wait "$pid" && echo "mfad exited with 0"
pid=
