#!/usr/bin/env bash
# Install whatever the build and the tests need and is missing; a fast no-op
# when everything is already there.
#
#   bash scripts/ensure-tools.sh [GROUP...]      (default: wasm)
#
# Groups:
#   wasm  rustup target wasm32-unknown-unknown, wasm-bindgen-cli at exactly the
#         version of the wasm-bindgen crate, npm packages (binaryen's wasm-opt)
#   e2e   npm packages (playwright-core, web-ext) and Debian's chromium
#   zoo   Debian's nginx, openssl, sslscan, hyperfine (scripts/bench-scan.sh),
#         apache2, haproxy, curl, python3 and python3-yaml (the local TLS
#         server zoo; apache2 and haproxy also write the real logs that
#         `tlslens-relay logs` is tested on; the CI gate's tests read JUnit XML
#         and the docs' CI YAML with Python), and the real clients the client
#         simulation is checked against (relay/tests/clients_real.rs): Java 17
#         (openjdk-17-jdk-headless), Go (golang-go), Chromium with NSS's
#         certutil (libnss3-tools); and postgresql (the watch tests start their
#         own server from its initdb and postgres)
#
# Progress goes to stderr, one short line per tool. Nothing here ever downloads
# a browser: Chromium comes from Debian.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# A fresh shell may not have cargo's bin directory on PATH yet.
if [[ -d "${CARGO_HOME:-$HOME/.cargo}/bin" ]]; then
  PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
fi

say() { printf 'ensure-tools: %s\n' "$*" >&2; }
die() { printf 'ensure-tools: ERROR: %s\n' "$*" >&2; exit 1; }

GROUPS_WANTED=("$@")
[[ ${#GROUPS_WANTED[@]} -eq 0 ]] && GROUPS_WANTED=(wasm)

want_wasm=0 want_e2e=0 want_zoo=0
for g in "${GROUPS_WANTED[@]}"; do
  case "$g" in
    wasm) want_wasm=1 ;;
    e2e) want_e2e=1 ;;
    zoo) want_zoo=1 ;;
    all) want_wasm=1 want_e2e=1 want_zoo=1 ;;
    *) die "unknown group '$g' (known: wasm e2e zoo all)" ;;
  esac
done

# --------------------------------------------------------------------------
# Rust: the wasm32 target and wasm-bindgen-cli
# --------------------------------------------------------------------------

ensure_wasm_target() {
  command -v rustup >/dev/null 2>&1 || die "rustup not found (install Rust with rustup first)"
  if rustup target list --installed 2>/dev/null | grep -qx 'wasm32-unknown-unknown'; then
    say "rust target wasm32-unknown-unknown: ok"
  else
    say "rust target wasm32-unknown-unknown: installing"
    rustup target add wasm32-unknown-unknown >&2 \
      || die "rustup target add wasm32-unknown-unknown failed"
  fi
}

# The version of the wasm-bindgen crate the core is built with. The CLI must
# match it exactly or the generated glue does not fit the wasm module.
# Read from wasm-core/Cargo.toml (`wasm-bindgen = "=X.Y.Z"` or
# `wasm-bindgen = { version = "=X.Y.Z", ... }`); when that is not an exact
# `=` pin, fall back to the version resolved in Cargo.lock.
wasm_bindgen_crate_version() {
  local req ver
  req="$(sed -nE 's/^[[:space:]]*wasm-bindgen[[:space:]]*=[[:space:]]*(\{[^}]*version[[:space:]]*=[[:space:]]*)?"([^"]+)".*/\2/p' \
    wasm-core/Cargo.toml | head -n1)"
  [[ -n "$req" ]] || die "no wasm-bindgen dependency found in wasm-core/Cargo.toml"
  if [[ "$req" =~ ^=[[:space:]]*([0-9]+\.[0-9]+\.[0-9]+)$ ]]; then
    echo "${BASH_REMATCH[1]}"
    return
  fi
  ver="$(awk '/^\[\[package\]\]/{n=""} /^name = "wasm-bindgen"$/{n=1; next} n && /^version = /{gsub(/"/,"",$3); print $3; exit}' Cargo.lock 2>/dev/null || true)"
  [[ -n "$ver" ]] || die "wasm-bindgen requirement '$req' in wasm-core/Cargo.toml is not an exact '=X.Y.Z' pin and Cargo.lock does not resolve it"
  echo "$ver"
}

ensure_wasm_bindgen() {
  local want have=""
  want="$(wasm_bindgen_crate_version)"
  if command -v wasm-bindgen >/dev/null 2>&1; then
    have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')"
  fi
  if [[ "$have" == "$want" ]]; then
    say "wasm-bindgen-cli $want: ok"
  else
    say "wasm-bindgen-cli $want: installing (found '${have:-none}'; takes a few minutes)"
    cargo install wasm-bindgen-cli --version "$want" >&2 \
      || die "cargo install wasm-bindgen-cli --version $want failed"
    have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')"
    [[ "$have" == "$want" ]] || die "wasm-bindgen on PATH is '$have' after installing $want (check PATH order)"
  fi
}

# --------------------------------------------------------------------------
# npm packages
# --------------------------------------------------------------------------

NPM_STAMP=node_modules/.tlslens-installed

ensure_npm() {
  command -v npm >/dev/null 2>&1 || die "npm not found (install Node.js 20 or later)"
  local why=""
  if [[ ! -d node_modules ]]; then
    why="node_modules missing"
  elif [[ ! -f "$NPM_STAMP" ]]; then
    why="node_modules not installed by this script"
  elif [[ -f package-lock.json && package-lock.json -nt "$NPM_STAMP" ]]; then
    why="package-lock.json is newer than node_modules"
  elif [[ package.json -nt "$NPM_STAMP" ]]; then
    why="package.json is newer than node_modules"
  fi
  if [[ -z "$why" ]]; then
    say "npm packages: ok"
    return
  fi
  if [[ -f package-lock.json ]]; then
    say "npm packages: npm ci ($why)"
    npm ci --no-audit --no-fund >&2 || die "npm ci failed"
  else
    say "npm packages: npm install ($why; no package-lock.json)"
    npm install --no-audit --no-fund >&2 || die "npm install failed"
  fi
  touch "$NPM_STAMP"
}

# --------------------------------------------------------------------------
# Debian packages
# --------------------------------------------------------------------------

APT_MISSING=()

need_deb() { # need_deb PACKAGE [COMMAND]
  local pkg="$1" cmd="${2:-}"
  if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" == "install ok installed" ]]; then
    return
  fi
  # Not from Debian but present anyway (a developer's own install): fine.
  if [[ -n "$cmd" ]] && command -v "$cmd" >/dev/null 2>&1; then
    return
  fi
  APT_MISSING+=("$pkg")
}

install_debs() {
  if [[ ${#APT_MISSING[@]} -eq 0 ]]; then
    return
  fi
  command -v apt-get >/dev/null 2>&1 \
    || die "missing packages ${APT_MISSING[*]} and no apt-get: install them by hand"
  local sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "missing packages ${APT_MISSING[*]}: run as root or install sudo"
    sudo=(sudo)
  fi
  say "apt: installing ${APT_MISSING[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 || die "apt-get update failed"
  "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${APT_MISSING[@]}" >&2 \
    || die "apt-get install ${APT_MISSING[*]} failed"
}

# --------------------------------------------------------------------------

if [[ $want_wasm -eq 1 ]]; then
  ensure_wasm_target
  ensure_wasm_bindgen
fi
if [[ $want_wasm -eq 1 || $want_e2e -eq 1 ]]; then
  ensure_npm
fi
if [[ $want_e2e -eq 1 ]]; then
  need_deb chromium
fi
if [[ $want_zoo -eq 1 ]]; then
  need_deb nginx
  need_deb openssl openssl
  need_deb sslscan
  need_deb hyperfine
  need_deb apache2
  need_deb haproxy
  need_deb curl curl
  need_deb openjdk-17-jdk-headless javac
  need_deb golang-go go
  need_deb python3
  need_deb python3-yaml
  need_deb chromium
  need_deb libnss3-tools certutil
  need_deb postgresql initdb
fi
if [[ $want_e2e -eq 1 || $want_zoo -eq 1 ]]; then
  install_debs
  if [[ $want_e2e -eq 1 && ! -x /usr/bin/chromium ]]; then
    die "/usr/bin/chromium missing after installing Debian's chromium"
  fi
  say "debian packages: ok"
fi
exit 0
