#!/usr/bin/env bash
# Regenerates docs/images/vscode-late-binding.png, the README screenshot: real VS Code (code-server)
# with the extension, on tests/editors/fixtures/late_binding.py: inlay hints, code lenses, the
# late-binding diagnostic's hover and the semantic colours of captured names, cells and nonlocal
# writes. Not run in CI. Uses what tests/editors/vscode-e2e.sh installs into .cache/vscode-e2e and
# the .vsix in editors/vscode (cd editors/vscode && npm ci && npm run package).
#   CLOSURE_LENS_BIN=target/release/closure-lens bash tests/editors/screenshot.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${1:-$ROOT/docs/images/vscode-late-binding.png}"
mkdir -p "$(dirname "$OUT")"
CLOSURE_LENS_SCREENSHOT="$OUT" bash "$ROOT/tests/editors/vscode-e2e.sh"
ls -l "$OUT"
