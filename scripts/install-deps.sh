#!/usr/bin/env bash
# Installs the Debian packages goodput builds and tests with, when any is missing, and the
# extra packages named as arguments (scripts/fuzz.sh asks for clang). Safe to re-run.
#   scripts/install-deps.sh [EXTRA-PACKAGE...]
set -euo pipefail
packages=(cmake ninja-build g++ pkg-config python3
          # the Python packages the built-in tasks allow (tasks/seed/json_to_csv.yaml python.packages)
          python3-pandas python3-numpy
          nlohmann-json3-dev libcurl4-openssl-dev libyaml-cpp-dev libcli11-dev
          libcpp-httplib-dev libgtest-dev libgmock-dev
          libvalijson-dev  # JSON Schema for the `json` assertion (header-only)
          libseccomp-dev bubblewrap
          libpcre2-dev  # regular expressions: goodput/pattern.hpp
          chromium  # tests/integration/html_report_test.cpp loads the HTML report in it (headless)
          ccache   # optional: CMake compiles through it when found (GOODPUT_CCACHE)
          "$@")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "goodput: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
