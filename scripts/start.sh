#!/usr/bin/env bash
# Quick start (`npm start [-- SERVE-OPTIONS]`): build the extension and the
# relay, say where the unpacked extension is, then run the relay's HTTP
# service in the foreground (default http://127.0.0.1:8787, the extension's
# default relay URL). Options after `--` go to `tlslens-relay serve`, e.g.
#   npm start -- --listen 127.0.0.1:9000 --token secret
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [[ -d "${CARGO_HOME:-$HOME/.cargo}/bin" ]]; then
  PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
fi

npm run --silent build
cargo build --release -p tlslens-relay

cat >&2 <<MSG

TLS Lens is built.

  Chromium: open chrome://extensions, turn on "Developer mode",
            "Load unpacked" and choose  $ROOT/dist/chromium
  Firefox:  open about:debugging#/runtime/this-firefox,
            "Load Temporary Add-on..." and choose  $ROOT/dist/firefox/manifest.json
            (or: npx web-ext run --source-dir dist/firefox)

Starting the relay: target/release/tlslens-relay serve $*
(it prints the address it listens on; stop it with Ctrl-C)

MSG
exec target/release/tlslens-relay serve "$@"
