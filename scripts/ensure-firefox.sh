#!/usr/bin/env bash
# Install what the Firefox getSecurityInfo test (tests/firefox/) needs and is
# missing; a fast no-op when everything is there.
#
#   bash scripts/ensure-firefox.sh
#
#   firefox-esr      Debian's Firefox ESR (apt) — never a downloaded browser
#   libnss3-tools    NSS certutil: imports the zoo's test root into the profile
#   geckodriver      `cargo install geckodriver` (crates.io; a few minutes to build)
#
# Then: node --test tests/firefox/   (after `npm run build`)
# Without these tools the test skips, printing what is missing.
set -euo pipefail

if [[ -d "${CARGO_HOME:-$HOME/.cargo}/bin" ]]; then
  PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
fi

say() { printf 'ensure-firefox: %s\n' "$*" >&2; }
die() { printf 'ensure-firefox: ERROR: %s\n' "$*" >&2; exit 1; }

missing=()
if [[ -x /usr/bin/firefox-esr ]]; then say "firefox-esr: ok ($(/usr/bin/firefox-esr --version 2>/dev/null || echo '?'))"; else missing+=(firefox-esr); fi
if command -v certutil >/dev/null 2>&1; then say "certutil: ok"; else missing+=(libnss3-tools); fi

if [[ ${#missing[@]} -gt 0 ]]; then
  command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get: install them by hand"
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "missing ${missing[*]}: run as root or install sudo"
    sudo=(sudo)
  fi
  say "installing ${missing[*]} (apt)"
  "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >&2 \
    || die "apt-get install ${missing[*]} failed"
fi

if command -v geckodriver >/dev/null 2>&1; then
  say "geckodriver: ok ($(geckodriver --version 2>/dev/null | head -n 1))"
else
  command -v cargo >/dev/null 2>&1 || die "geckodriver missing and no cargo to build it (install Rust with rustup)"
  say "geckodriver: cargo install geckodriver (crates.io)"
  cargo install --locked geckodriver >&2 || die "cargo install geckodriver failed"
fi
