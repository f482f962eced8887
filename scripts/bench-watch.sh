#!/usr/bin/env bash
# Benchmark: `tlslens-relay watch --once` over N targets (default 1000) — the
# loopback zoo behind many names: one nginx with a wildcard certificate
# listening on 127.0.0.1–127.0.0.10, each target a name of its own resolved to
# one of those addresses — with SQLite, then with PostgreSQL (a server started
# here in a temporary directory, as `nobody` when run as root), and with two
# watchers sharing that PostgreSQL. Prints wall time, targets per minute and
# the peak RSS of each run (GNU time). Every target gets the full scan.
#
#   scripts/bench-watch.sh [N] [CONCURRENCY]      (default 1000 targets, 64 at once)
#
# TLSLENS_RELAY_BIN=path uses that binary instead of building the release one.
# Loopback only.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
N="${1:-1000}"
CONC="${2:-64}"

NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
[[ -x "$NGINX" ]] || { echo "bench-watch: nginx is not installed" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "bench-watch: GNU time is not installed (apt-get install -y time)" >&2; exit 1; }
PGBIN="$(dirname "$(command -v initdb || ls -d /usr/lib/postgresql/*/bin/initdb | sort | tail -1)")"

if [[ -n "${TLSLENS_RELAY_BIN:-}" ]]; then
  RELAY="$TLSLENS_RELAY_BIN"
else
  cargo build --release -p tlslens-relay >&2
  RELAY="$PWD/target/release/tlslens-relay"
fi

DIR="$(mktemp -d)"
chmod 755 "$DIR"
PGPID=""
cleanup() {
  if [[ -f "$DIR/nginx.pid" ]]; then kill "$(cat "$DIR/nginx.pid")" 2>/dev/null || true; fi
  if [[ -n "$PGPID" ]]; then kill -INT "$PGPID" 2>/dev/null || true; wait "$PGPID" 2>/dev/null || true; fi
  rm -rf "$DIR"
}
trap cleanup EXIT

# A private root and a wildcard leaf for *.bench.test.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$DIR/root.key" \
  -out "$DIR/root.pem" -days 3650 -subj "/CN=Bench Root" \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$DIR/leaf.key" \
  -out "$DIR/leaf.csr" -subj "/CN=bench.test" 2>/dev/null
printf 'subjectAltName=DNS:*.bench.test\nextendedKeyUsage=serverAuth\nauthorityKeyIdentifier=keyid\n' > "$DIR/ext"
openssl x509 -req -in "$DIR/leaf.csr" -CA "$DIR/root.pem" -CAkey "$DIR/root.key" -CAcreateserial \
  -days 200 -extfile "$DIR/ext" -out "$DIR/leaf.pem" 2>/dev/null

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
LISTEN=""
for a in $(seq 1 10); do LISTEN+="    listen 127.0.0.$a:$PORT ssl;"$'\n'; done
mkdir -p "$DIR/tmp"
cat > "$DIR/nginx.conf" <<CONF
worker_processes 2;
pid $DIR/nginx.pid;
error_log $DIR/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $DIR/tmp; proxy_temp_path $DIR/tmp; fastcgi_temp_path $DIR/tmp;
  uwsgi_temp_path $DIR/tmp; scgi_temp_path $DIR/tmp;
  ssl_protocols TLSv1.2 TLSv1.3;
  server {
$LISTEN
    server_name *.bench.test;
    ssl_certificate $DIR/leaf.pem;
    ssl_certificate_key $DIR/leaf.key;
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

# config DATABASE: the watch configuration with N targets.
config() {
  {
    printf 'interval = "1h"\ndatabase = "%s"\nca_file = "root.pem"\nallow_private = true\n' "$1"
    printf 'concurrency = %s\nscan_timeout = "60s"\n' "$CONC"
    for i in $(seq 0 $((N - 1))); do
      printf '\n[[target]]\nhost = "t%s.bench.test"\nport = %s\nresolve = ["127.0.0.%s"]\n' \
        "$i" "$PORT" $((i % 10 + 1))
    done
  } > "$DIR/watch.toml"
}

# run LABEL [WATCHERS]: `watch --once` (WATCHERS of them at once); prints
# the figures.
run() {
  local label="$1" watchers="${2:-1}" t0 t1 rss=0 pids=()
  t0=$(date +%s%N)
  for w in $(seq "$watchers"); do
    /usr/bin/time -f '%M' -o "$DIR/rss.$w" "$RELAY" watch --config "$DIR/watch.toml" --once \
      2>"$DIR/log.$w" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do
    wait "$p" || { echo "bench-watch: a watcher failed: $(cat "$DIR"/log.*)" >&2; exit 1; }
  done
  t1=$(date +%s%N)
  for w in $(seq "$watchers"); do
    local r; r=$(tail -1 "$DIR/rss.$w")
    if (( r > rss )); then rss=$r; fi
  done
  python3 - "$label" "$N" "$t0" "$t1" "$rss" <<'PY'
import sys
label, n, t0, t1, rss = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
secs = (t1 - t0) / 1e9
print(f"{label:<28} {n} targets in {secs:6.1f} s  = {n / secs * 60:7.0f} targets/min  peak RSS {rss / 1024:6.1f} MiB")
PY
}

echo "bench-watch: $N targets, concurrency $CONC, $(nproc) CPU(s), $RELAY" >&2
config "w.sqlite"
run "SQLite, 1 watcher"
python3 - "$DIR/w.sqlite" <<'PY'
import sqlite3, sys
ok, total, err = sqlite3.connect(sys.argv[1]).execute(
    "SELECT sum(success), count(*), max(error) FROM scans").fetchone()
print(f"SQLite: {ok} of {total} endpoint scans graded" + (f" (an error: {err})" if err else ""))
PY

# PostgreSQL in $DIR/pg, as nobody when root.
AS=()
if [[ "$(id -u)" -eq 0 ]]; then
  AS=(setpriv --reuid=65534 --regid=65534 --clear-groups --reset-env)
  mkdir -p "$DIR/pg" && chown 65534:65534 "$DIR/pg"
fi
"${AS[@]}" "$PGBIN/initdb" -D "$DIR/pg/data" -U bench -A trust --no-sync -E UTF8 --locale=C >/dev/null
PGPORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"${AS[@]}" "$PGBIN/postgres" -D "$DIR/pg/data" -p "$PGPORT" -c listen_addresses=127.0.0.1 \
  -c unix_socket_directories="$DIR/pg" -c max_connections=100 >"$DIR/pg.log" 2>&1 &
PGPID=$!
for _ in $(seq 100); do
  psql -h 127.0.0.1 -p "$PGPORT" -U bench -d postgres -Atc 'SELECT 1' >/dev/null 2>&1 && break
  sleep 0.1
done
psql -h 127.0.0.1 -p "$PGPORT" -U bench -d postgres -qc 'CREATE DATABASE one' -c 'CREATE DATABASE two'
config "postgres://bench@127.0.0.1:$PGPORT/one"
run "PostgreSQL, 1 watcher"
config "postgres://bench@127.0.0.1:$PGPORT/two"
run "PostgreSQL, 2 watchers" 2
scanned=$(psql -h 127.0.0.1 -p "$PGPORT" -U bench -d two -Atc 'SELECT count(DISTINCT host) || '"'"' targets, '"'"' || count(*) || '"'"' rows'"'"' FROM scans')
echo "PostgreSQL, 2 watchers: $scanned recorded (each target once)"
