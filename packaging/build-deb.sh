#!/usr/bin/env bash
# Builds mfad_*.deb and libpam-mfa_*.deb with dpkg-buildpackage from a clean
# copy of this tree (packaging/debian becomes debian/), then runs lintian.
# Usage: packaging/build-deb.sh [OUT_DIR]   (default: build-deb/)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${1:-$root/build-deb}")
version=$(sed -n '1s/^mfad (\([^)]*\)).*/\1/p' "$root/packaging/debian/changelog")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

src="$work/mfad-$version"
"$root/packaging/copy-source.sh" "$src"
cp -r "$src/packaging/debian" "$src/debian"

(cd "$src" && DEB_BUILD_OPTIONS="parallel=$(nproc)" dpkg-buildpackage -us -uc -b)

mkdir -p "$out"
rm -f "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo
mv "$work"/*.deb "$work"/*.changes "$work"/*.buildinfo "$out"/
echo "build-deb: $(cd "$out" && ls ./*.deb | tr '\n' ' ')"

# 0 errors and 0 warnings, or the build fails; overrides carry their reason.
lintian --fail-on error,warning "$out"/*.changes
echo "build-deb: lintian clean"
