#!/usr/bin/env bash
# Slowloris benchmark of `tlslens-relay serve` (issue 16 item 1): one address
# (127.0.0.1) holds SLOWLORIS_CONNECTIONS (1100) connections that never finish
# their request head, reconnecting when dropped, for SLOWLORIS_SECS (20, at
# most 60) while another address (127.0.0.2) asks for /healthz and a cached
# report, one request after the other. Fails when the other client gets under
# 90 % answers or the relay's peak RSS is over SLOWLORIS_MAX_RSS_MB (256).
# Prints one line:
#   SLOWLORIS connections=1100 … success=…% p50_ms=… p99_ms=… shed=… peak_rss_mb=…
# Traffic stays on loopback. Usage: scripts/slowloris-relay.sh [--debug]
set -euo pipefail
cd "$(dirname "$0")/.."
profile=(--release)
if [[ "${1:-}" == "--debug" ]]; then profile=(); fi
ulimit -n 8192 2>/dev/null || true
cargo test "${profile[@]}" -p tlslens-relay --test serve_slowloris -- \
    --ignored --nocapture --test-threads 1 2>&1 | tee /dev/stderr | grep 'SLOWLORIS connections=' >/dev/null
