#!/usr/bin/env bash
# The demo: builds mfad and mfactl, starts mfad in a private temporary directory
# (its own config, key, database and socket; no system file is touched), talks
# to it, reloads it, and stops it.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build build -j"$(nproc)" --target mfad mfactl > /dev/null
mfad=build/daemon/mfad
mfactl=build/cli/mfactl

work=$(mktemp -d /tmp/mfad-demo.XXXXXX)
pid=
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid"; wait "$pid" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
step() { printf '\n== %s\n' "$*"; }

step "A new key: 32 random bytes, mode 0600, never overwritten"
$mfad --generate-key "$work/mfad.key"
ls -l "$work/mfad.key"
$mfad --generate-key "$work/mfad.key" || echo "(exit $?: as intended)"

step "A config, checked before use"
cat > "$work/mfad.yaml" <<YAML
socket: $work/mfad.sock
database: $work/state/mfad.db
key_file: $work/mfad.key
issuer: "Demo Corp"
lockout: { max_failures: 4, duration: 5m }
YAML
cat "$work/mfad.yaml"
$mfad --check-config --config "$work/mfad.yaml"
printf 'lockout:\n  duration: forever\n' > "$work/broken.yaml"
$mfad --check-config --config "$work/broken.yaml" || echo "(exit $?: the file, line and key are named)"

step "Start mfad"
MFAD_LOG=stderr $mfad --config "$work/mfad.yaml" 2> "$work/mfad.log" &
pid=$!
for _ in $(seq 100); do [ -S "$work/mfad.sock" ] && break; sleep 0.05; done

step "mfactl ping (text, then --json)"
$mfactl --socket "$work/mfad.sock" ping
$mfactl --socket "$work/mfad.sock" --json ping

step "The store: owner-only, WAL, schema versioned"
ls -ld "$work/state" "$work/state/mfad.db"
sqlite3 "$work/state/mfad.db" 'PRAGMA user_version' 'PRAGMA journal_mode' '.tables'

step "Reload with a broken config: refused, the running config stays"
printf 'lockout: { max_failures: 0 }\n' >> "$work/mfad.yaml"
kill -HUP "$pid"
sleep 0.3
grep "reload" "$work/mfad.log"
$mfactl --socket "$work/mfad.sock" ping

step "Stop with SIGTERM"
kill -TERM "$pid"
wait "$pid" && echo "mfad exited with 0"
pid=
cat "$work/mfad.log"
