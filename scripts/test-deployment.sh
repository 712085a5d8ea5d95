#!/usr/bin/env bash
# Offline tests of the deployment files: Helm chart (rendered with the Helm Go
# SDK through helm-python-sdk, validated against Kubernetes 1.30 and 1.35
# schemas), docker-compose.yml (loaded by docker-compose 1.29) and Dockerfile.
# Needs no cluster, no Docker engine and no helm binary.
#
#   bash scripts/test-deployment.sh [extra pytest arguments]
set -euo pipefail

cd "$(dirname "$0")/.."

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        return 1
    fi
}

apt_updated=""
apt_install() {
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "error: $* missing and apt-get is not available; install it by hand" >&2
        exit 1
    fi
    if [ -z "$apt_updated" ]; then
        as_root apt-get update -qq || { echo "error: need root to install $*" >&2; exit 1; }
        apt_updated=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if ! command -v python3 >/dev/null 2>&1; then
    apt_install python3 python3-venv
fi

# Debian splits venv (and ensurepip) out of python3 itself.
if [ ! -x .venv/bin/python ]; then
    rm -rf .venv
    if ! python3 -m venv .venv 2>/dev/null; then
        rm -rf .venv
        py_minor="$(python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
        apt_install python3-venv "python${py_minor}-venv" || apt_install python3-venv
        python3 -m venv .venv
    fi
fi

# Reinstall only when requirements.txt changed since the last install.
stamp=.venv/.deployment-requirements
if ! cmp -s Tests/Deployment/requirements.txt "$stamp"; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r Tests/Deployment/requirements.txt
    cp Tests/Deployment/requirements.txt "$stamp"
fi

# The compose test runs Debian's docker-compose 1.29 (`docker-compose config`
# needs no Docker engine).
if ! command -v docker-compose >/dev/null 2>&1; then
    apt_install docker-compose
fi

export PYTHONDONTWRITEBYTECODE=1
exec .venv/bin/python -m pytest -q Tests/Deployment "$@"
