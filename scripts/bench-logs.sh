#!/usr/bin/env bash
# Benchmark: `tlslens-relay logs` on a ~1 GB realistic nginx error log (info
# level: handshake failures of every kind mixed with the usual request,
# upstream and keepalive lines, 50,000 client addresses over 30 days),
# compared with `grep -c` on the same file in the same run. One core: both
# are pinned to CPU 0 with taskset when it exists. The file is read once
# before timing so both read from the page cache.
#
#   scripts/bench-logs.sh [SIZE_MB] [RUNS]     (default 1024 MB, 3 runs each)
#
# Prints each run and the best wall and CPU (user + sys) time and throughput of
# each tool; on a busy machine the CPU figure is the one that says what one core
# does. The target is >= 200 MB/s for `tlslens-relay logs`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SIZE_MB="${1:-1024}"
RUNS="${2:-3}"

command -v python3 >/dev/null || { echo "bench-logs: python3 is needed to generate the log" >&2; exit 1; }

cargo build --release -p tlslens-relay >&2
RELAY="$PWD/target/release/tlslens-relay"

DIR="$(mktemp -d)"
trap 'rm -rf "$DIR"' EXIT
LOG="$DIR/error.log"

echo "bench-logs: generating ${SIZE_MB} MB of nginx error log in $DIR" >&2
python3 - "$LOG" "$SIZE_MB" <<'PY'
import random, sys, time as _t
path, size_mb = sys.argv[1], int(sys.argv[2])
target = size_mb * 1024 * 1024
rnd = random.Random(14)
clients = [f"{rnd.randrange(1,224)}.{rnd.randrange(256)}.{rnd.randrange(256)}.{rnd.randrange(1,255)}" for _ in range(45000)]
clients += [f"2001:db8:{rnd.randrange(65536):x}::{rnd.randrange(65536):x}" for _ in range(5000)]
hs = " while SSL handshaking, client: {c}, server: 0.0.0.0:443"
kinds = [
    # (weight, template) -- nginx 1.22 with OpenSSL 3 and 1.1.1 spellings
    (18, "SSL_do_handshake() failed (SSL: error:0A000102:SSL routines::unsupported protocol)" + hs),
    (4, "SSL_do_handshake() failed (SSL: error:14209102:SSL routines:tls_early_post_process_client_hello:unsupported protocol)" + hs),
    (6, "SSL_do_handshake() failed (SSL: error:0A0000C1:SSL routines::no shared cipher)" + hs),
    (8, "SSL_do_handshake() failed (SSL: error:0A000418:SSL routines::tlsv1 alert unknown ca:SSL alert number 48)" + hs),
    (3, "SSL_do_handshake() failed (SSL: error:0A000416:SSL routines::sslv3 alert certificate unknown:SSL alert number 46)" + hs),
    (6, "handshake rejected" + hs),
    (8, "peer closed connection in SSL handshake (104: Connection reset by peer)" + hs),
    (5, "SSL_do_handshake() failed (SSL: error:0A00009C:SSL routines::http request)" + hs),
    (3, "SSL_do_handshake() failed (SSL: error:0A0000F4:SSL routines::unexpected message)" + hs),
    (4, "client sent plain HTTP request to HTTPS port while reading client request headers, client: {c}, server: www.example.com, request: \"GET / HTTP/1.1\", host: \"www.example.com:443\""),
    (12, "client closed connection while waiting for request, client: {c}, server: 0.0.0.0:443"),
    (8, "upstream timed out (110: Connection timed out) while reading response header from upstream, client: {c}, server: www.example.com, request: \"GET /api/v1/items?page=2 HTTP/1.1\", upstream: \"http://127.0.0.1:8080/api/v1/items?page=2\", host: \"www.example.com\""),
    (6, "open() \"/var/www/html/favicon.ico\" failed (2: No such file or directory), client: {c}, server: www.example.com, request: \"GET /favicon.ico HTTP/1.1\", host: \"www.example.com\", referrer: \"https://www.example.com/\""),
    (5, "client {c} closed keepalive connection"),
    (4, "SSL_read() failed (SSL: error:0A000126:SSL routines::unexpected eof while reading) while waiting for request, client: {c}, server: 0.0.0.0:443"),
]
table = [t for w, t in kinds for _ in range(w)]
start = 1_793_491_200  # 2026-11-01T00:00:00Z
span = 30 * 86400
# Lines are time-ordered, as in a real log.
written, n, pid, conn = 0, 0, 2311, 1
with open(path, "w", buffering=1 << 20) as f:
    est_lines = target // 200
    while written < target:
        chunk = []
        for _ in range(10000):
            t = start + (n * span) // est_lines
            n += 1
            conn += 1
            tm = _t.gmtime(t)
            ts = f"{tm.tm_year:04d}/{tm.tm_mon:02d}/{tm.tm_mday:02d} {tm.tm_hour:02d}:{tm.tm_min:02d}:{tm.tm_sec:02d}"
            level = "info"
            msg = rnd.choice(table).format(c=rnd.choice(clients))
            chunk.append(f"{ts} [{level}] {pid}#{pid}: *{conn} {msg}\n")
        s = "".join(chunk)
        f.write(s)
        written += len(s)
PY

BYTES="$(stat -c %s "$LOG")"
MB="$(python3 -c "print(f'{$BYTES/1048576:.0f}')")"
cat "$LOG" > /dev/null
PIN=()
if command -v taskset >/dev/null; then PIN=(taskset -c 0); fi

# run COMMAND...: prints "WALL CPU" seconds of one run (CPU = user + sys: on a
# machine shared with other work the wall time includes waiting for a core).
run() {
  local t
  TIMEFORMAT='%R %U %S'
  t="$( { time "$@" > "$DIR/out" 2>"$DIR/err"; } 2>&1 )" \
    || { echo "bench-logs: $* failed: $(cat "$DIR/err")" >&2; exit 1; }
  python3 -c "r,u,s='$t'.split(); print(f'{float(r):.3f} {float(u)+float(s):.3f}')"
}

results=""
for i in $(seq 1 "$RUNS"); do
  read -r rw rc <<<"$(run "${PIN[@]}" "$RELAY" logs --json --timezone UTC "$LOG")"
  failures="$(python3 -c "import json; print(json.load(open('$DIR/out'))['failures'])")"
  read -r gw gc <<<"$(run "${PIN[@]}" grep -c 'SSL handshaking' "$LOG")"
  matches="$(cat "$DIR/out")"
  echo "run $i: tlslens-relay logs ${rw}s wall ${rc}s cpu ($failures failures); grep -c ${gw}s wall ${gc}s cpu ($matches lines)"
  results="$results $rw,$rc,$gw,$gc"
done

python3 - "$MB" $results <<'PY'
import sys
mb = float(sys.argv[1])
runs = [tuple(map(float, r.split(","))) for r in sys.argv[2:]]
rw, rc = min(r[0] for r in runs), min(r[1] for r in runs)
gw, gc = min(r[2] for r in runs), min(r[3] for r in runs)
print(f"file: {mb:.0f} MB")
print(f"tlslens-relay logs --json: best {rw:.3f}s wall = {mb / rw:.0f} MB/s; {rc:.3f}s cpu = {mb / rc:.0f} MB/s per core")
print(f"grep -c:                   best {gw:.3f}s wall = {mb / gw:.0f} MB/s; {gc:.3f}s cpu = {mb / gc:.0f} MB/s per core")
PY
