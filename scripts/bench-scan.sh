#!/usr/bin/env bash
# Benchmark: a full `tlslens-relay scan` of a loopback nginx serving TLS 1.0–1.2
# — with the client simulation (every client of the table, the default) and
# without it (`--no-clients`) — against `sslscan` on the same server, side by
# side in one run. Prints the mean times (hyperfine, each command's runs in a
# row), then the three interleaved with the ratio per iteration, then nginx's
# CPU time per run.
#
#   scripts/bench-scan.sh [RUNS]      (default 20 runs each)
#   TLSLENS_RELAY=target/release/tlslens-relay scripts/bench-scan.sh 10   (no build)
#
# Uses hyperfine when installed (apt-get install -y hyperfine), else a loop
# timed with `date +%s%N`. Loopback only: nginx listens on 127.0.0.1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
RUNS="${1:-20}"

for bin in nginx sslscan openssl; do
  if ! command -v "$bin" >/dev/null && [[ ! -x "/usr/sbin/$bin" ]]; then
    echo "bench-scan: $bin is not installed (apt-get install -y nginx sslscan openssl)" >&2
    exit 1
  fi
done
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

# TLSLENS_RELAY=path benchmarks that binary instead of building one.
if [[ -n "${TLSLENS_RELAY:-}" ]]; then
  RELAY="$TLSLENS_RELAY"
else
  cargo build --release -p tlslens-relay >&2
  RELAY="$PWD/target/release/tlslens-relay"
fi

DIR="$(mktemp -d)"
cleanup() {
  if [[ -f "$DIR/nginx.pid" ]]; then kill "$(cat "$DIR/nginx.pid")" 2>/dev/null || true; fi
  rm -rf "$DIR"
}
trap cleanup EXIT

# A CA and a leaf it signs, the CA given to the relay as --ca-file: the
# simulated clients then judge a trusted chain, as they would a real site's.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$DIR/ca.key" -out "$DIR/ca.pem" \
  -days 30 -subj /CN=bench-ca -addext basicConstraints=critical,CA:TRUE \
  -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout "$DIR/key.pem" -out "$DIR/leaf.csr" \
  -subj /CN=bench.test 2>/dev/null
printf 'subjectAltName=DNS:bench.test\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nauthorityKeyIdentifier=keyid\n' >"$DIR/leaf.ext"
openssl x509 -req -in "$DIR/leaf.csr" -CA "$DIR/ca.pem" -CAkey "$DIR/ca.key" -CAcreateserial \
  -out "$DIR/cert.pem" -days 20 -extfile "$DIR/leaf.ext" 2>/dev/null
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
mkdir -p "$DIR/tmp" "$DIR/logs"
cat > "$DIR/nginx.conf" <<CONF
worker_processes 1;
pid $DIR/nginx.pid;
error_log $DIR/error.log warn;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path $DIR/tmp; proxy_temp_path $DIR/tmp; fastcgi_temp_path $DIR/tmp;
  uwsgi_temp_path $DIR/tmp; scgi_temp_path $DIR/tmp;
  ssl_protocols TLSv1 TLSv1.1 TLSv1.2;
  ssl_ciphers 'HIGH:MEDIUM:!aNULL:@SECLEVEL=0';
  server {
    listen 127.0.0.1:$PORT ssl;
    server_name bench.test;
    ssl_certificate $DIR/cert.pem;
    ssl_certificate_key $DIR/key.pem;
    add_header Strict-Transport-Security "max-age=31536000" always;
    location / { return 200 "ok"; }
  }
}
CONF
"$NGINX" -p "$DIR" -c "$DIR/nginx.conf"
for _ in $(seq 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
  sleep 0.1
done

SCAN="$RELAY scan bench.test:$PORT --resolve bench.test:$PORT:127.0.0.1 --allow-private --ca-file $DIR/ca.pem --json"
SCAN_NO_CLIENTS="$SCAN --no-clients"
SSLSCAN="sslscan --no-colour 127.0.0.1:$PORT"

echo "== one scan, for the record" >&2
$SCAN | python3 -c 'import json,sys; r=json.load(sys.stdin); e=r["endpoints"][0]; c=e.get("clients") or []; print("grade", r["grade"], "protocols", e["protocols"], "suites", sum(len(v) for v in e["cipher_suites"].values()), "clients", len(c), "connect", sum(1 for x in c if x["ok"]))'

if command -v hyperfine >/dev/null; then
  hyperfine --warmup 3 --runs "$RUNS" -N \
    --command-name "tlslens-relay (all clients)" "$SCAN" \
    --command-name "tlslens-relay --no-clients" "$SCAN_NO_CLIENTS" \
    --command-name sslscan "$SSLSCAN"
else
  bench() {
    local name="$1"; shift
    local total=0
    for _ in $(seq "$RUNS"); do
      local t0 t1
      t0=$(date +%s%N)
      "$@" >/dev/null 2>&1 || true
      t1=$(date +%s%N)
      total=$((total + t1 - t0))
    done
    printf '%-14s mean %6.1f ms over %d runs\n' "$name" "$(echo "$total / $RUNS / 1000000" | bc -l)" "$RUNS"
  }
  # shellcheck disable=SC2086
  bench tlslens-relay $SCAN
  # shellcheck disable=SC2086
  bench no-clients $SCAN_NO_CLIENTS
  # shellcheck disable=SC2086
  bench sslscan $SSLSCAN
fi

# The same three commands interleaved: each iteration runs all three, in a
# random order, so a machine that drifts (CPU frequency, other load, the
# TIME_WAIT sockets the runs themselves leave) weighs on each alike. The
# ratio is taken per iteration (relay / sslscan of the same iteration) and
# summarised by its median and quartiles.
echo "== interleaved, $RUNS iterations" >&2
python3 - "$RUNS" "$SCAN" "$SCAN_NO_CLIENTS" "$SSLSCAN" <<'PY'
import random, shlex, statistics, subprocess, sys, time
runs = int(sys.argv[1])
names = ["tlslens-relay (all clients)", "tlslens-relay --no-clients", "sslscan"]
cmds = [shlex.split(c) for c in sys.argv[2:5]]
times = {n: [] for n in names}
for _ in range(runs):
    order = list(zip(names, cmds))
    random.shuffle(order)
    for name, cmd in order:
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times[name].append((time.perf_counter() - t) * 1000)
for n in names:
    v = times[n]
    print(f"{n:28s} mean {statistics.mean(v):6.1f} ms  median {statistics.median(v):6.1f} ms")
for n in names[:2]:
    r = sorted(a / b for a, b in zip(times[n], times["sslscan"]))
    q = statistics.quantiles(r, n=4)
    print(f"{n:28s} / sslscan per iteration: median {statistics.median(r):.3f}x (quartiles {q[0]:.3f}-{q[2]:.3f})")
PY

# The server's side of the same runs: CPU time of nginx's worker per run of
# each command (from /proc/PID/schedstat, ns on the CPU). With one worker it
# is a floor for any scanner's wall time: nginx cannot answer the handshakes
# faster than it computes them.
WORKER="$(pgrep -P "$(cat "$DIR/nginx.pid")" | head -1 || true)"
if [[ -n "$WORKER" && -r "/proc/$WORKER/schedstat" ]]; then
  server_cpu() {
    local name="$1"; shift
    local a b
    a=$(awk '{print $1}' "/proc/$WORKER/schedstat")
    for _ in $(seq "$RUNS"); do "$@" >/dev/null 2>&1 || true; done
    b=$(awk '{print $1}' "/proc/$WORKER/schedstat")
    printf 'nginx CPU per run  %-28s %6.1f ms\n' "$name" "$(echo "($b - $a) / $RUNS / 1000000" | bc -l)"
  }
  # shellcheck disable=SC2086
  server_cpu "tlslens-relay (all clients)" $SCAN
  # shellcheck disable=SC2086
  server_cpu "tlslens-relay --no-clients" $SCAN_NO_CLIENTS
  # shellcheck disable=SC2086
  server_cpu sslscan $SSLSCAN
fi
