#!/usr/bin/env bash
# What the tests need beyond the Rust toolchain, from Debian's packages: headless Chromium, in
# which tests/html_report.rs renders the HTML simulation report. Installed only when absent.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core
