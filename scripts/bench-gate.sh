#!/usr/bin/env bash
# Benchmark: the CI gate's many-target run. 40 targets on loopback, each a
# port of a delaying TCP proxy in front of one nginx (TLS 1.2 and 1.3), the
# proxy adding a round-trip time that grows from 10 ms to 205 ms across the
# targets, so some targets are slow and most are fast — as real fleets are.
#
# It times: every target scanned alone (one `scan` each, one after the
# other), then all 40 in one `scan` run with the default budget
# (--total-connections 64: 8 targets at once), then with a budget that lets
# all 40 run at once (--total-connections 320). It prints the slowest single
# target, the sum of all singles, and each one-run time.
#
#   scripts/bench-gate.sh [TARGETS] [RUNS]     (default 40 targets, 3 runs)
#
# RELAY=PATH times that binary instead of building the release one (e.g.
# target/debug/tlslens-relay: dependencies are optimized in dev builds too).
#
# Loopback only: nginx and the proxy listen on 127.0.0.1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
TARGETS="${1:-40}"
RUNS="${2:-3}"

for bin in nginx openssl python3; do
  if ! command -v "$bin" >/dev/null && [[ ! -x "/usr/sbin/$bin" ]]; then
    echo "bench-gate: $bin is not installed (bash scripts/ensure-tools.sh zoo)" >&2
    exit 1
  fi
done
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

if [[ -z "${RELAY:-}" ]]; then
  cargo build --release -p tlslens-relay >&2
  RELAY="$PWD/target/release/tlslens-relay"
fi

DIR="$(mktemp -d)"
PROXY_PID=""
cleanup() {
  if [[ -n "$PROXY_PID" ]]; then kill "$PROXY_PID" 2>/dev/null || true; fi
  if [[ -f "$DIR/nginx.pid" ]]; then kill "$(cat "$DIR/nginx.pid")" 2>/dev/null || true; fi
  rm -rf "$DIR"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$DIR/key.pem" \
  -out "$DIR/cert.pem" -days 30 -subj /CN=bench.test -addext subjectAltName=DNS:bench.test 2>/dev/null
PORT="$(free_port)"
mkdir -p "$DIR/tmp" "$DIR/logs"
cat > "$DIR/nginx.conf" <<CONF
worker_processes 1;
pid $DIR/nginx.pid;
error_log $DIR/error.log warn;
events { worker_connections 2048; }
http {
  access_log off;
  client_body_temp_path $DIR/tmp; proxy_temp_path $DIR/tmp; fastcgi_temp_path $DIR/tmp;
  uwsgi_temp_path $DIR/tmp; scgi_temp_path $DIR/tmp;
  ssl_protocols TLSv1.2 TLSv1.3;
  server {
    listen 127.0.0.1:$PORT ssl;
    server_name bench.test;
    ssl_certificate $DIR/cert.pem;
    ssl_certificate_key $DIR/key.pem;
    add_header Strict-Transport-Security "max-age=63072000" always;
    location / { return 200 "ok"; }
  }
}
CONF
"$NGINX" -p "$DIR" -c "$DIR/nginx.conf"

# The proxy: port i adds a round trip of 10 + 5*i ms (half each way, on
# every chunk).
cat > "$DIR/proxy.py" <<'PY'
import asyncio, sys
upstream = int(sys.argv[1])
ports = [int(p) for p in sys.argv[2:]]

async def pipe(reader, writer, delay):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            await asyncio.sleep(delay)
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass

def handler(delay):
    async def handle(cr, cw):
        try:
            ur, uw = await asyncio.open_connection("127.0.0.1", upstream)
        except OSError:
            cw.close()
            return
        await asyncio.gather(pipe(cr, uw, delay), pipe(ur, cw, delay))
    return handle

async def main():
    servers = []
    for i, port in enumerate(ports):
        rtt = (10 + 5 * i) / 1000
        servers.append(await asyncio.start_server(handler(rtt / 2), "127.0.0.1", port, backlog=1024))
    print("ready", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))

asyncio.run(main())
PY
PORTS=()
for _ in $(seq "$TARGETS"); do PORTS+=("$(free_port)"); done
python3 "$DIR/proxy.py" "$PORT" "${PORTS[@]}" > "$DIR/proxy.out" &
PROXY_PID=$!
for _ in $(seq 100); do grep -q ready "$DIR/proxy.out" 2>/dev/null && break; sleep 0.1; done

ARGS=(--allow-private --timeout 60)
TARGET_LIST=()
for p in "${PORTS[@]}"; do
  TARGET_LIST+=("bench.test:$p")
  ARGS+=(--resolve "bench.test:$p:127.0.0.1")
done

now_ms() { date +%s%3N; }

echo "bench-gate: $TARGETS targets, round trips 10 ms to $((10 + 5 * (TARGETS - 1))) ms" >&2
sum=0 slowest=0
for t in "${TARGET_LIST[@]}"; do
  start=$(now_ms)
  "$RELAY" scan "$t" "${ARGS[@]}" --json > /dev/null
  took=$(( $(now_ms) - start ))
  sum=$((sum + took))
  (( took > slowest )) && slowest=$took
done
printf 'each target alone: slowest %d ms, sum %d ms (%d targets one after the other)\n' \
  "$slowest" "$sum" "$TARGETS"

one_run() { # one_run LABEL EXTRA-ARGS...
  local label="$1"; shift
  local best=0 all=()
  for _ in $(seq "$RUNS"); do
    local start took
    start=$(now_ms)
    "$RELAY" scan "${TARGET_LIST[@]}" "${ARGS[@]}" --json "$@" > "$DIR/run.jsonl"
    took=$(( $(now_ms) - start ))
    all+=("$took")
    if (( best == 0 || took < best )); then best=$took; fi
  done
  local lines
  lines=$(wc -l < "$DIR/run.jsonl")
  printf '%s: best %d ms of %s (runs: %s ms), %d reports, %.1fx the slowest single target\n' \
    "$label" "$best" "$RUNS" "${all[*]}" "$lines" "$(awk -v a="$best" -v b="$slowest" 'BEGIN { print a / b }')"
}
one_run "one run, default budget (--total-connections 64)"
one_run "one run, --total-connections 320" --total-connections 320
