#!/usr/bin/env bash
# The one command that runs every test (`npm test`, and CI through .ci/run).
# Fails fast, naming the step that failed; ends with a one-line summary.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [[ -d "${CARGO_HOME:-$HOME/.cargo}/bin" ]]; then
  PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
fi
export NO_UPDATE_NOTIFIER=1 # web-ext: no update check

STEPS=(tools fmt clippy cargo-test wasm-test build web-ext-lint node-wasm node-e2e node-firefox)
TOTAL=${#STEPS[@]}
n=0
START=$SECONDS

step() { # step NAME COMMAND...
  local name="$1"; shift
  n=$((n + 1))
  local t0=$SECONDS
  printf '\n==> [%d/%d] %s: %s\n' "$n" "$TOTAL" "$name" "$*" >&2
  local rc=0
  "$@" || rc=$?
  if [[ $rc -ne 0 ]]; then
    printf '\n==> FAILED at step %d/%d (%s), exit %d: %s\n' "$n" "$TOTAL" "$name" "$rc" "$*" >&2
    exit "$rc"
  fi
  printf '==> [%d/%d] %s: ok (%ds)\n' "$n" "$TOTAL" "$name" $((SECONDS - t0)) >&2
}

# Files for node --test, expanded here so that every Node version gets the
# same list; a directory with no test file is an error, not a silent pass.
node_tests() { # node_tests DIR
  local files=("$1"/*.test.mjs)
  if [[ ! -e "${files[0]}" ]]; then
    echo "no *.test.mjs in $1" >&2
    return 1
  fi
  node --test "${files[@]}"
}

cargo_test() {
  # The Rust parity tests write target/parity/ afresh for the WASM parity test.
  rm -rf target/parity
  cargo test --workspace
}

tools() {
  bash scripts/ensure-tools.sh wasm e2e zoo
  # Firefox ESR, NSS certutil and geckodriver for the real getSecurityInfo test.
  bash scripts/ensure-firefox.sh
}

step tools tools
step fmt cargo fmt --all -- --check
step clippy cargo clippy --workspace --all-targets -- -D warnings
step cargo-test cargo_test
# The core's own tests compiled to wasm32 and run under Node (wasm-bindgen-test):
# the WASM `grade` export must reproduce the committed native reports byte for byte.
wasm_test() {
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    cargo test -p tlslens-core --target wasm32-unknown-unknown --test wasm_bindings
}

step wasm-test wasm_test
step build npm run --silent build
step web-ext-lint node_modules/.bin/web-ext lint --source-dir dist/firefox --no-config-discovery
step node-wasm node_tests tests/wasm
step node-e2e node_tests tests/e2e
step node-firefox node_tests tests/firefox

printf '\n==> all %d steps passed in %ds: %s\n' "$TOTAL" $((SECONDS - START)) "${STEPS[*]}" >&2
