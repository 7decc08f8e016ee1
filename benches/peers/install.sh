#!/bin/sh
# Installs the peer language servers of benches/peers/requirements.txt (ty, pyrefly) from PyPI into
# a virtual environment at .cache/bench-peers (git-ignored), once; reinstalled when the
# requirements change. Run by `cargo bench --bench lsp` when they are missing; prints the venv's
# bin/ folder on success.
set -eu
cd "$(dirname "$0")/../.."
ENV="$PWD/.cache/bench-peers"
REQUIREMENTS=benches/peers/requirements.txt
if ! [ -x "$ENV/bin/python" ] || ! cmp -s "$REQUIREMENTS" "$ENV/requirements.txt"; then
  echo "bench: installing $(grep -c '==' "$REQUIREMENTS") peer language servers from PyPI into .cache/bench-peers" >&2
  rm -rf "$ENV"
  python3 -m venv "$ENV"
  "$ENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS" >&2
  cp "$REQUIREMENTS" "$ENV/requirements.txt"
fi
echo "$ENV/bin"
