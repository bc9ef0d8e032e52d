#!/usr/bin/env bash
# Copies the source tree to DEST for a package build: in a git checkout the
# tracked and not-ignored files, otherwise everything but build directories.
# Usage: packaging/copy-source.sh DEST
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dest=$1
mkdir -p "$dest"
if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git -C "$root" ls-files -z --cached --others --exclude-standard | (cd "$root" && xargs -0 cp --parents -t "$dest")
else
    tar -C "$root" --exclude='./build*' --exclude='./.git' -cf - . | tar -C "$dest" -xf -
fi
