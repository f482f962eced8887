#!/usr/bin/env bash
# Load test of `tlslens-relay serve`: 200 concurrent keep-alive
# clients for a bounded time (LOAD_SECS, default 20, at most 30) against a
# relay process on 127.0.0.1 answering a cached report of a loopback rustls
# server. Fails on any answer other than 200/429 or a peak RSS over
# LOAD_MAX_RSS_MB (256). Prints one line:
#   LOAD clients=200 secs=… requests=… rps=… p50_ms=… p99_ms=… … peak_rss_mb=…
# Traffic stays on loopback. Usage: scripts/load-relay.sh [--debug]
set -euo pipefail
cd "$(dirname "$0")/.."
profile=(--release)
if [[ "${1:-}" == "--debug" ]]; then profile=(); fi
export LOAD_CLIENTS="${LOAD_CLIENTS:-200}" LOAD_SECS="${LOAD_SECS:-20}"
ulimit -n 4096 2>/dev/null || true
cargo test "${profile[@]}" -p tlslens-relay --test serve_load -- \
    --ignored --nocapture --test-threads 1 2>&1 | tee /dev/stderr | grep 'LOAD clients=' >/dev/null
