#!/bin/sh
# What the hub needs besides Python: Debian's nodejs and npm, and configurable-http-proxy
# from npm installed into the project (build/node/, never globally).
# Usage: scripts/hub-deps.sh [PREFIX]   (default PREFIX: build/node under the repository)
# Prints the path of the configurable-http-proxy it installed or found. Idempotent.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PREFIX=${1:-$ROOT/build/node}
CHP_VERSION=${CHP_VERSION:-5}
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
    else
        echo "nodejs and npm are missing: sudo apt-get install nodejs npm" >&2
        exit 1
    fi
fi
PROXY=$PREFIX/node_modules/.bin/configurable-http-proxy
if [ ! -x "$PROXY" ]; then
    mkdir -p "$PREFIX"
    npm install --silent --no-fund --no-audit --prefix "$PREFIX" \
        "configurable-http-proxy@$CHP_VERSION" >&2
fi
"$PROXY" --version >/dev/null
echo "$PROXY"
