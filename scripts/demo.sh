#!/usr/bin/env bash
# The demo: builds mfad, mfad-notify, mfactl and pam_mfa.so, starts mfad-notify
# and mfad in a private temporary directory (their own config, key, database
# and sockets), enrolls a user with an authenticator app and an SMS phone, and
# logs in through the real pam_mfa.so with pamtester under pam_wrapper
# (private PAM service files: /etc/pam.d is never touched), choosing each
# factor at the menu, push approval with number matching among them. Then a
# new user enrolls at their first login, and the first user, whose phone is
# "lost", recovers by email and enrolls anew.
# oathtool plays the authenticator app; the SMS provider and sendmail are
# scripts that write each message to a file; the push provider is a local
# HTTPS service (tests/helpers/fake_push_provider.py) with a throwaway CA
# that approves what it is sent; expect plays the person.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build build -j"$(nproc)" --target mfad mfad-notify mfactl pam_mfa > /dev/null
mfad=build/daemon/mfad
notify=build/daemon/notify/mfad-notify
mfactl="build/cli/mfactl --socket"
module=$PWD/build/pam/pam_mfa.so

work=$(mktemp -d /tmp/mfad-demo.XXXXXX)
pid=
notify_pid=
push_pid=
cleanup() {
  for p in $pid $notify_pid $push_pid; do
    if kill -0 "$p" 2>/dev/null; then kill "$p"; wait "$p" || true; fi
  done
  rm -rf "$work"
}
trap cleanup EXIT
step() { printf '\n== %s\n' "$*"; }
mfactl="$mfactl $work/mfad.sock"

step "A push provider on 127.0.0.1: HTTPS with a throwaway CA (mfad-notify verifies it), approving what it gets"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "/CN=demo CA" \
  -keyout "$work/ca.key" -out "$work/ca.pem" 2> /dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
  -keyout "$work/push.key" -out "$work/push.csr" 2> /dev/null
echo "subjectAltName = IP:127.0.0.1" > "$work/san.ext"
openssl x509 -req -in "$work/push.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial -days 1 \
  -extfile "$work/san.ext" -out "$work/push.pem" 2> /dev/null
echo approve > "$work/push.mode"
python3 tests/helpers/fake_push_provider.py "$work/push.pem" "$work/push.key" "$work/push.port" \
  "$work/push.requests" "$work/push.mode" &
push_pid=$!
for _ in $(seq 100); do [ -s "$work/push.port" ] && break; sleep 0.05; done
echo "push-token-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" > "$work/push.token"
chmod 600 "$work/push.token"
echo "(listening on https://127.0.0.1:$(cat "$work/push.port")/push)"

step "A key (32 random bytes, mode 0600) and a config, checked before use"
$mfad --generate-key "$work/mfad.key"
cat > "$work/mfad.yaml" <<YAML
socket: $work/mfad.sock
database: $work/state/mfad.db
key_file: $work/mfad.key
issuer: "Demo Corp"
lockout: { max_failures: 3, duration: 2m }
notify: { socket: $work/notify.sock, client_user: $(id -un) }
sms:
  provider: command
  command: ["$work/send-sms", "{phone}"]
email: { sendmail: ["$work/sendmail", "-t", "-i"], from: mfa@demo.example }
push:                               # approve on the phone, picking the number the terminal shows
  provider: http
  timeout: 60s
  http: { url: "https://127.0.0.1:$(cat "$work/push.port")/push", ca_file: $work/ca.pem, auth: bearer, credential: $work/push.token }
enrollment: { grace: 14d }          # users without a factor enroll at login, or put it off for 14 days
recovery: { email: on }             # "I lost my device": a code by email resets the second factor
YAML
# sendmail -t -i: each message into mail/, one file each.
mkdir "$work/mail"
printf '#!/bin/sh\ncat > %s/mail/$(date +%%s%%N).eml\n' "$work" > "$work/sendmail"
chmod 755 "$work/sendmail"
newest_mail() { cat "$(ls "$work"/mail/*.eml | tail -1)"; }
# The SMS provider: the number as its argument, the text on stdin, one line each in the outbox.
printf '#!/bin/sh\nprintf "%%s  %%s\\n" "$1" "$(cat)" >> %s\necho "demo-$$"\n' "$work/outbox" > "$work/send-sms"
chmod 755 "$work/send-sms"
cat "$work/mfad.yaml"
$mfad --check-config --config "$work/mfad.yaml"

step "Start mfad-notify, the sender: the network is its, the key and the store are not"
MFAD_LOG=stderr $notify --config "$work/mfad.yaml" 2> "$work/notify.log" &
notify_pid=$!
for _ in $(seq 100); do [ -S "$work/notify.sock" ] && break; sleep 0.05; done

step "Start mfad (it looks every user up in NSS: nss_wrapper adds the account 'demo', /etc stays untouched)"
{ cat /etc/passwd; echo "demo:x:20000:20000::/nonexistent:/usr/sbin/nologin"
  echo "newbie:x:20001:20000::/nonexistent:/usr/sbin/nologin"; } > "$work/passwd"
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

step "Add a phone: mfad parses the number (libphonenumber), seals it, and texts a code through mfad-notify"
$mfactl enroll sms --user demo --phone "+1 415 555 0123"
echo "(the outbox: $(tail -1 "$work/outbox"))"
sms_code() { sed -n 's/.*code is \([0-9]\{6\}\).*/\1/p' "$work/outbox" | tail -1; }
$mfactl enroll confirm --user demo --factor sms --code "$(sms_code)"

step "Add a phone for push: mfad seals the provider's device id and sends a test request; approving it turns push on"
$mfactl enroll push --user demo --device demo-device-0001 --name pixel8
$mfactl factors --user demo

mkdir "$work/pam.d"
echo "auth required $module socket=$work/mfad.sock tries=1" > "$work/pam.d/mfa-demo"
echo "auth required pam_deny.so" > "$work/pam.d/other"
pam() { LD_PRELOAD=libpam_wrapper.so PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$work/pam.d" pamtester mfa-demo demo authenticate; }
show() { grep -v -e '^pamtester' -e 'PWRAP' "$work/pam.out" | sed 's/^/     /' || true; }

step "Log in choosing each factor at the menu (pamtester answers one line per prompt)"
printf -- '-- 1) the authenticator app: '
if { echo 1; sleep 0.3; code; } | pam > "$work/pam.out" 2>&1; then echo ALLOWED; else echo DENIED; fi
show
printf -- '-- 2) a text message, its code read from the outbox once it arrives: '
sent=$(wc -l < "$work/outbox")
if { echo 2; for _ in $(seq 50); do [ "$(wc -l < "$work/outbox")" -gt "$sent" ] && break; sleep 0.1; done; sms_code; } |
   pam > "$work/pam.out" 2>&1; then echo ALLOWED; else echo DENIED; fi
show
echo "(the text: $(tail -1 "$work/outbox"))"
printf -- '-- 3) push: the number is shown with "press Enter"; the phone (the fake provider) approves it, Enter logs in: '
if { echo 3; sleep 1.5; echo; } | pam > "$work/pam.out" 2>&1; then echo ALLOWED; else echo DENIED; fi
show
shown=$(sed -n 's/.*Pick \([0-9][0-9]\) on the phone.*/\1/p' "$work/pam.out" | tail -1)
sent_number=$(grep '"method": "POST"' "$work/push.requests" | tail -1 | python3 -c 'import json,sys; print(json.loads(json.loads(sys.stdin.read())["body"])["number"])')
echo "(the terminal showed $shown; the provider was sent $sent_number, and answered 'approved $sent_number')"
echo pending > "$work/push.mode"
printf -- '-- 3) push again, but nobody answers: Enter goes back to the menu, and the code from the app logs in: '
if { echo 3; sleep 0.5; echo; sleep 5; echo 1; sleep 0.3; code 30; } | pam > "$work/pam.out" 2>&1; then echo ALLOWED; else echo DENIED; fi
show

step "Log in typing the code at the menu (pam_mfa.so tries=1; a code typed at the menu skips it)"
login() {  # login DESCRIPTION CODE
  printf -- '-- %s: ' "$1"
  if echo "$2" | pam > "$work/pam.out" 2>&1; then echo "ALLOWED"; else echo "DENIED"; fi
  show
}
now_code=$(code 30)
login "the right code" "$now_code"
login "the same code again (a replay: failure 1 of 3)" "$now_code"
login "a wrong code (failure 2)" 000000
login "a wrong code (failure 3: locks for 2 minutes)" 111111
login "the step after's right code, while locked" "$(code 60)"
$mfactl status --user demo

step "The audit trail (hash-chained rows; no codes, no secrets, the number masked, the push challenge ids)"
sqlite3 -column -header "$work/state/mfad.db" \
  "SELECT id, datetime(time, 'unixepoch') AS time, event, user, result, service, detail FROM audit"
if grep -q -e "$secret" -e "$now_code" -e 4155550123 -e demo-device-0001 -e "$(cat "$work/push.token")" \
     "$work/mfad.log" "$work/notify.log" "$work/state/mfad.db"; then
  echo "LEAK: a secret, a code, the phone number, the push device or the provider's token was found"; exit 1
fi
echo "(neither the secret, a code, the phone number, the push device id nor the provider's token appears in the logs or the database)"

step "A new user, 'newbie', logs in for the first time: enrollment at login"
echo "(expect plays newbie: it reads the secret under the QR code and answers with oathtool's code; PAM_TTY=ssh, as sshd sets it)"
# person.exp USER: answers every prompt the way a person with a phone would.
cat > "$work/person.exp" <<'TCL'
set timeout 20
match_max 100000
lassign $argv user maildir
spawn -noecho env LD_PRELOAD=libpam_wrapper.so PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR=$env(PAM_DIR) \
    pamtester -I tty=ssh mfa-demo $user authenticate
expect {
    -re {([0-9])\) I lost my device[^\n]*\n.*or type a code: } { send "$expect_out(1,string)\r"; exp_continue }
    "Recovery code from the email (r: send a new one): " {
        set f [open [lindex [lsort [glob -directory $maildir *.eml]] end]]
        regexp {Recovery code: ([A-Za-z0-9]{12})} [read $f] -> code
        close $f
        send "$code\r"; exp_continue
    }
    -re {Secret: ([A-Z2-7]{32}).*Code from the app[^:]*: } {
        send "[exec oathtool --totp -b $expect_out(1,string)]\r"; exp_continue
    }
    -ex {[Y/n]: } { send "y\r"; exp_continue }
    "Press Enter once they are saved: " { send "\r"; exp_continue }
    "successfully authenticated" { exit 0 }
    eof { exit 1 }
    timeout { exit 2 }
}
TCL
if PAM_DIR="$work/pam.d" expect "$work/person.exp" newbie "$work/mail" | grep -v -e PWRAP; then echo "== newbie: ALLOWED"; else echo "== newbie: DENIED"; fi
$mfactl factors --user newbie

step "demo's phone is lost: a recovery address (checked by a code mailed to it), then 'I lost my device' at login"
$mfactl recovery-email set --user demo --address demo.user@demo.example
newest_mail | sed 's/^/     /'
$mfactl recovery-email confirm --user demo --code "$(newest_mail | sed -n 's/.*--code \([A-Za-z0-9]\{12\}\).*/\1/p')"
$mfactl admin unlock --user demo --reason "demo: the lock above"
if PAM_DIR="$work/pam.d" expect "$work/person.exp" demo "$work/mail" | grep -v -e PWRAP; then echo "== demo: ALLOWED"; else echo "== demo: DENIED"; fi
echo "(the notice sent to the recovery address:)"
newest_mail | sed 's/^/     /'
$mfactl factors --user demo
sqlite3 -column "$work/state/mfad.db" "SELECT id, event, user, result, detail FROM audit WHERE id > (SELECT max(id) - 12 FROM audit)"

step "Reload with a broken config: refused, the running config stays"
printf 'lockout: { max_failures: 0 }\n' >> "$work/mfad.yaml"
kill -HUP "$pid"
sleep 0.3
grep "reload" "$work/mfad.log"

step "Stop with SIGTERM"
kill -TERM "$pid"
wait "$pid" && echo "mfad exited with 0"
pid=
