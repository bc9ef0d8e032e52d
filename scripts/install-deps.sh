#!/usr/bin/env bash
# Installs what mfad needs to build and test on Debian 12. A second run finds
# everything present and does nothing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libboost-dev libssl-dev libyaml-cpp-dev libsqlite3-dev libpq-dev postgresql libsystemd-dev libpam0g-dev
  libcli11-dev nlohmann-json3-dev libqrencode-dev libpng-dev libphonenumber-dev
  libcmocka-dev libpam-wrapper libpamtest0-dev pamtester oathtool sqlite3 systemd zbar-tools
  libpam-google-authenticator libpam-oath libnss-wrapper faketime
  openssh-server openssh-client expect openssl
  clang libclang-rt-14-dev
  debhelper dpkg-dev fakeroot lintian rpm
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing ${missing[*]}; run as root to install them" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
