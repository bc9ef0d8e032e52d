#!/usr/bin/env bash
# Builds the mfad and pam_mfa RPMs with rpmbuild -bb from a tarball of this tree.
# Usage: packaging/build-rpm.sh [OUT_DIR]   (default: build-rpm/)
# On Debian (no Fedora macros) it loads rpm/debian-stand-ins.macros and skips
# the BuildRequires check (--nodeps): Debian's rpm database is empty.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${1:-$root/build-rpm}")
spec="$root/packaging/rpm/mfad.spec"
version=$(sed -n 's/^Version: *//p' "$spec")
top=$(mktemp -d)
trap 'rm -rf "$top"' EXIT

mkdir -p "$top/SOURCES"
"$root/packaging/copy-source.sh" "$top/stage/mfad-$version"
tar -C "$top/stage" -czf "$top/SOURCES/mfad-$version.tar.gz" "mfad-$version"

args=(-bb --define "_topdir $top" --define "_smp_mflags -j$(nproc)")
if [ "$(rpm --eval '%{?_unitdir}')" = "" ]; then
    args+=(--load "$root/packaging/rpm/debian-stand-ins.macros" --nodeps)
fi
rpmbuild "${args[@]}" "$spec"

mkdir -p "$out"
rm -f "$out"/*.rpm
find "$top/RPMS" -name '*.rpm' -exec mv -t "$out" {} +
echo "build-rpm: $(cd "$out" && ls ./*.rpm | tr '\n' ' ')"
