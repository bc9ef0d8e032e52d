#!/usr/bin/env bash
# Install -> SSH login -> purge, with the real packages, as root, on a machine
# without systemd as PID 1:
#   1. build both .debs and install them with apt-get;
#   2. start the installed mfad-notify and mfad the way the units would:
#      systemd-socket-activate (as root) on each socket unit's path, each daemon
#      as its own user, the installed config with a command SMS provider added;
#   3. enroll a test user with the installed mfactl (an authenticator, and a
#      phone confirmed with the code mfad-notify texted);
#   4. enable the pam-auth-update profile and log in through a real sshd on a
#      loopback port (password + code), and check a wrong code is refused;
#   5. purge both packages and check nothing of ours is left.
# Usage: packaging/test-install.sh [DEB_DIR]  (an existing build; default: build them)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
user="mfa-install-$$"
password="install-test-$$"
work=$(mktemp -d)
chmod 755 "$work"
pids=()

say() { echo "test-install: $*"; }
# PAM files naming pam_mfa; not the e2e test's own transient services, which a
# concurrent ctest run may have.
pam_lines() { grep -rl pam_mfa /etc/pam.d | grep -v '/mfa-e2e-sshd-' || true; }
fail() { echo "test-install: FAILED: $*" >&2; exit 1; }

cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    userdel "$user" 2>/dev/null || true
    # Never leave the host's PAM stack pointing at a module we are removing.
    if dpkg-query -W -f='${Status}' libpam-mfa 2>/dev/null | grep -q "ok installed"; then
        apt-get purge -y -qq mfad libpam-mfa >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

[ "$(id -u)" -eq 0 ] || fail "run as root"
if dpkg-query -W -f='${Status}' mfad 2>/dev/null | grep -q "ok installed"; then
    fail "mfad is already installed here; this test would remove it"
fi

# Absolute: apt-get takes a relative "dir/x.deb" for a package name.
debs=$(realpath -m "${1:-$work/debs}")
[ -n "${1:-}" ] || "$root/packaging/build-deb.sh" "$debs"

say "install"
apt-get install -y -qq "$debs"/mfad_*.deb "$debs"/libpam-mfa_*.deb >/dev/null
getent passwd mfad >/dev/null || fail "no mfad user"
[ "$(stat -c '%a %U' /var/lib/mfad)" = "700 mfad" ] || fail "/var/lib/mfad is $(stat -c '%a %U' /var/lib/mfad)"
[ "$(stat -c '%a %U' /etc/mfad/mfad.key)" = "600 mfad" ] || fail "the key is $(stat -c '%a %U' /etc/mfad/mfad.key)"
[ -L /etc/systemd/system/sockets.target.wants/mfad.socket ] || fail "mfad.socket is not enabled"
[ -z "$(pam_lines)" ] || fail "installing enabled pam_mfa by itself: $(pam_lines)"
bash -n /usr/share/bash-completion/completions/mfactl || fail "no bash completion for mfactl"
compgen -G "/usr/share/doc/mfad/admin-guide.md*" >/dev/null || fail "the admin guide is not installed"
dpkg -L mfad libpam-mfa | sort -u > "$work/files"

say "start mfad-notify as its units would"
getent passwd mfad-notify >/dev/null || fail "no mfad-notify user"
[ -L /etc/systemd/system/sockets.target.wants/mfad-notify.socket ] || fail "mfad-notify.socket is not enabled"
# A command provider that leaves each message where this test reads it.
printf '#!/bin/sh\nprintf "%%s\\t%%s\\n" "$1" "$(cat)" >> %s\necho "install-$$"\n' "$work/outbox" > "$work/send-sms"
chmod 755 "$work/send-sms"
install -m 0600 -o mfad-notify /dev/null "$work/outbox"
printf 'sms:\n  provider: command\n  command: ["%s", "{phone}"]\n' "$work/send-sms" >> /etc/mfad/mfad.yaml
notify_socket=$(sed -n 's/^ListenStream=//p' /lib/systemd/system/mfad-notify.socket)
install -d -m 0755 "$(dirname "$notify_socket")"
systemd-socket-activate -l "$notify_socket" \
    setpriv --reuid=mfad-notify --regid=mfad-notify --clear-groups /usr/sbin/mfad-notify --config /etc/mfad/mfad.yaml \
    2> "$work/notify.log" &
pids+=($!)
for _ in $(seq 100); do [ -S "$notify_socket" ] && break; sleep 0.1; done
[ -S "$notify_socket" ] || fail "no socket at $notify_socket"
chown mfad-notify:mfad "$notify_socket" && chmod 0660 "$notify_socket"  # SocketUser=, SocketGroup=, SocketMode=
# The sender cannot read mfad's key or state.
! setpriv --reuid=mfad-notify --regid=mfad-notify --clear-groups cat /etc/mfad/mfad.key >/dev/null 2>&1 ||
    fail "mfad-notify can read the key"
! setpriv --reuid=mfad-notify --regid=mfad-notify --clear-groups ls /var/lib/mfad >/dev/null 2>&1 ||
    fail "mfad-notify can read mfad's state"

say "start mfad as the units would"
socket=$(sed -n 's/^ListenStream=//p' /lib/systemd/system/mfad.socket)
install -d -m 0755 "$(dirname "$socket")"
systemd-socket-activate -l "$socket" \
    setpriv --reuid=mfad --regid=mfad --clear-groups /usr/sbin/mfad --config /etc/mfad/mfad.yaml \
    2> "$work/mfad.log" &
pids+=($!)
mfad_pid=$!  # systemd-socket-activate becomes setpriv, then mfad
for _ in $(seq 100); do [ -S "$socket" ] && break; sleep 0.1; done
[ -S "$socket" ] || fail "no socket at $socket"
chmod 0666 "$socket"  # SocketMode= of the unit
mfactl ping >/dev/null || fail "mfactl ping: $(cat "$work/mfad.log")"
[ "$(ps -o user=,comm= -p "$mfad_pid" | tr -s ' ')" = "mfad mfad" ] || fail "mfad does not run as user mfad"
mfad_uid=$(id -u mfad)

say "enroll $user"
useradd --no-create-home --shell /bin/sh "$user"
echo "$user:$password" | chpasswd
secret=$(mfactl --json enroll totp --user "$user" | sed -n 's/.*"secret":"\([A-Z2-7]*\)".*/\1/p')
[ -n "$secret" ] || fail "no secret from mfactl enroll totp"
# The previous step's code confirms; the login then uses the current one.
while [ $(( $(date +%s) % 30 )) -ge 27 ]; do sleep 0.2; done
mfactl enroll confirm --user "$user" --code "$(oathtool --totp -b --now=@$(( $(date +%s) - 30 )) "$secret")" >/dev/null
mfactl enroll sms --user "$user" --phone +14155550123 >/dev/null || fail "enroll sms: $(cat "$work/notify.log")"
sms_code=$(sed -n 's/.*code is \([0-9]\{6\}\).*/\1/p' "$work/outbox" | tail -1)
[ -n "$sms_code" ] || fail "mfad-notify sent no code: $(cat "$work/notify.log")"
mfactl enroll confirm --user "$user" --factor sms --code "$sms_code" >/dev/null
notify_pid=$(pgrep -u mfad-notify -x mfad-notify) || fail "mfad-notify does not run as user mfad-notify"
mfactl factors --user "$user" | grep -q "text message to +1" || fail "the phone is not listed"

say "enable the profile and log in through sshd"
pam-auth-update --package --enable mfad
grep -q "pam_mfa.so" /etc/pam.d/common-auth || fail "pam-auth-update did not add pam_mfa"
ssh-keygen -q -t ed25519 -N "" -f "$work/hostkey"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$work/sshd_config" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $work/hostkey
PidFile $work/sshd.pid
UsePAM yes
KbdInteractiveAuthentication yes
PasswordAuthentication no
PubkeyAuthentication no
AuthenticationMethods keyboard-interactive
PermitRootLogin no
AllowUsers $user
CONF
mkdir -p /run/sshd
/usr/sbin/sshd -D -e -f "$work/sshd_config" 2> "$work/sshd.log" &
pids+=($!)
for _ in $(seq 100); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

login() {
    "$root/tests/e2e/ssh_menu_login.exp" "$port" "$user" "$1" "$2" "$3" "$work/outbox" > "$work/ssh.out" 2>&1
}
rc=0; login "$password" 1 "000000" || rc=$?
[ "$rc" -eq 1 ] || fail "a wrong code gave exit $rc: $(cat "$work/ssh.out")"
rc=0; login "$password" 1 "$(oathtool --totp -b "$secret")" || rc=$?
[ "$rc" -eq 0 ] || fail "password and code gave exit $rc: $(cat "$work/ssh.out") $(cat "$work/sshd.log")"
rc=0; login "$password" 2 sms || rc=$?
[ "$rc" -eq 0 ] || fail "password and a texted code gave exit $rc: $(cat "$work/ssh.out") $(cat "$work/sshd.log")"
grep -q "Accepted keyboard-interactive/pam for $user" "$work/sshd.log" || fail "sshd did not log the login"

say "purge"
for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
wait 2>/dev/null || true
pids=()
userdel "$user"
apt-get purge -y -qq mfad libpam-mfa >/dev/null
left=""
while read -r path; do
    case "$path" in /.|/etc|/lib|/usr|/usr/*bin|/usr/share|/usr/share/doc|/usr/share/man|/usr/share/man/man?|\
        /usr/share/bash-completion|/usr/share/bash-completion/completions|\
        /usr/lib|/usr/lib/sysusers.d|/usr/lib/tmpfiles.d|/lib/systemd|/lib/systemd/system|/lib/*-linux-gnu|\
        /lib/*-linux-gnu/security|/usr/share/pam-configs) continue ;;
    esac
    [ -e "$path" ] && left+=" $path"
done < "$work/files"
[ -z "$left" ] || fail "files left:$left"
for path in /etc/mfad /var/lib/mfad /run/mfad /run/mfad-notify /etc/systemd/system/sockets.target.wants/mfad.socket \
    /etc/systemd/system/sockets.target.wants/mfad-notify.socket; do
    [ ! -e "$path" ] || fail "$path left"
done
! getent passwd mfad >/dev/null || fail "user mfad left"
! getent group mfad >/dev/null || fail "group mfad left"
! getent passwd mfad-notify >/dev/null || fail "user mfad-notify left"
! kill -0 "$notify_pid" 2>/dev/null || fail "mfad-notify still runs"
[ -z "$(pam_lines)" ] || fail "a PAM line left in $(pam_lines)"
! pgrep -u "$mfad_uid" >/dev/null || fail "a process of the old mfad uid left"
! kill -0 "$mfad_pid" 2>/dev/null || fail "mfad still runs"
say "passed: installed, texted a code through mfad-notify, logged in with password and the app or a text, refused a wrong code, purged clean"
