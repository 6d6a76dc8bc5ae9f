#!/usr/bin/env bash
# The browser tests (test/app) drive Debian's Chromium with playwright-core. `npm test` runs this
# first: nothing to do when Chromium is there (CHROMIUM_PATH or /usr/bin/chromium); as root with
# apt-get, it installs Debian's package; otherwise it says what to install and fails.
set -euo pipefail
path="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$path" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Chromium not found at $path: installing Debian's chromium package for the browser tests" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "The browser tests need Chromium: install Debian's package (sudo apt-get install -y chromium)" >&2
echo "or set CHROMIUM_PATH to a Chromium binary." >&2
exit 1
