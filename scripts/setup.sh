#!/usr/bin/env bash
# Set up a Debian 12 machine for casework and build it:
#   1. install the Debian packages it needs (only those missing),
#   2. install the npm packages (page assets, browser-test driver) from package-lock.json,
#   3. configure and build into build/.
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake pkg-config
  libmicrohttpd-dev libsqlite3-dev sqlite3 libjansson-dev libsodium-dev libcmocka-dev
  libxml2-dev libxml2-utils
  libcairo2-dev libpango1.0-dev fonts-dejavu-core poppler-utils
  clang libclang-rt-14-dev
  nodejs npm chromium curl ca-certificates
  wrk
)

missing=()
for p in "${PACKAGES[@]}"; do
  # nodejs/npm may come from elsewhere (e.g. NodeSource); a working node is enough.
  if [[ $p == nodejs || $p == npm ]] && command -v node >/dev/null && command -v npm >/dev/null; then
    continue
  fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [[ ! -f node_modules/.package-lock.json ]] || ! cmp -s package-lock.json node_modules/.casework-lock; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.casework-lock
fi

BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo ${CMAKE_ARGS:-} >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)"
echo "setup: built $BUILD_DIR/casework"
