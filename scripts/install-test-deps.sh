#!/usr/bin/env bash
# What the tests need beyond the Rust toolchain, from Debian's packages: headless Chromium, in
# which tests/it/html_report.rs renders the HTML simulation report; R with survival, cmprsk,
# jsonlite and testthat, with which tests/it/r_package.rs runs `R CMD check` on the R package in
# r/. Each is installed only when absent.
set -euo pipefail
packages=()
if ! command -v chromium >/dev/null 2>&1; then
  packages+=(chromium fonts-dejavu-core)
fi
if ! Rscript -e 'for (p in c("survival", "cmprsk", "jsonlite", "testthat")) if (!requireNamespace(p, quietly = TRUE)) stop(p)' >/dev/null 2>&1; then
  packages+=(r-base-core r-cran-survival r-cran-cmprsk r-cran-jsonlite r-cran-testthat)
fi
if [ ${#packages[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${packages[@]}"
