#!/usr/bin/env bash
# Installs the C libraries the package links (Debian's packages), when missing.
#   librdkafka-dev        librdkafka and its mock cluster (rdkafka_mock.h)
#   libcurl4-openssl-dev  libcurl, for the HTTP client
#   pkg-config            how SwiftPM finds both
# and the commands the chaos tests run, when not on PATH:
#   openssl               a CA and a server certificate for the TLS scenario
#   python3               the TLS-terminating proxy in front of the emulator
set -euo pipefail

missing=()
for package in librdkafka-dev libcurl4-openssl-dev pkg-config; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
for command in openssl python3; do
    command -v "$command" >/dev/null 2>&1 || missing+=("$command")
done
[ ${#missing[@]} -eq 0 ] && exit 0

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else echo "error: need root to install ${missing[*]}" >&2; exit 1
    fi
}
echo "installing ${missing[*]}" >&2
as_root apt-get update -qq
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
