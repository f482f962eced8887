#!/usr/bin/env bash
# Compares the reports of two `tlslens-relay` binaries on the same loopback
# server zoo: a refactor of the scanner must not change what it reports.
#
#   scripts/compare-scans.sh OLD_BINARY NEW_BINARY [RUNS]
#
# e.g. build `main` elsewhere (`git archive main | tar -x -C /tmp/base`, then
# `cargo build -p tlslens-relay` there) and compare it with this tree's
# `target/debug/tlslens-relay`. RUNS (default 1) scans each server RUNS times
# per binary, to tell a real difference from a flaky server.
#
# The zoo (127.0.0.1 only; PKI made with openssl at run time):
#   nginx-dual    nginx, TLS 1.2 + 1.3, RSA and ECDSA certificates, a chosen
#                 suite list in server order, HSTS, another certificate for
#                 clients without SNI
#   nginx-aia     nginx, TLS 1.2, client order, the leaf only (incomplete
#                 chain) with an AIA CA Issuers URL served by nginx over http
#   legacy        openssl s_server, TLS 1.0/1.1, ALL:@SECLEVEL=0, 1024-bit DHE
#   tls13         openssl s_server, TLS 1.3 only
#   tls12         openssl s_server, TLS 1.2 only, ECDHE and RSA suites
#   plain-http    nginx's plain http port (no TLS: exit status 5)
#   closed        a port nothing listens on (exit status 5)
#
# Volatile fields (timings, started_at, graded_at, scanner version) are
# removed before comparing; everything else (with the exit status and
# stderr) must be identical. Exit status 0
# when all reports match, 1 otherwise (the diffs are printed).
set -euo pipefail
[[ $# -ge 2 ]] || { echo "usage: $0 OLD_BINARY NEW_BINARY [RUNS]" >&2; exit 2; }
OLD="$(realpath "$1")"
NEW="$(realpath "$2")"
RUNS="${3:-1}"
for bin in nginx openssl jq python3; do
  if ! command -v "$bin" >/dev/null && [[ ! -x "/usr/sbin/$bin" ]]; then
    echo "compare-scans: $bin is not installed (bash scripts/ensure-tools.sh zoo)" >&2
    exit 1
  fi
done
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

DIR="$(mktemp -d)"
PIDS=()
cleanup() {
  if [[ -f "$DIR/nginx.pid" ]]; then kill "$(cat "$DIR/nginx.pid")" 2>/dev/null || true; fi
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$DIR"
}
trap cleanup EXIT

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "compare-scans: nothing listens on port $1" >&2
  exit 1
}

P_DUAL="$(port)"; P_AIA="$(port)"; P_HTTP="$(port)"; P_LEGACY="$(port)"; P_13="$(port)"; P_12="$(port)"
P_CLOSED="$(port)" # nothing listens there

# --- PKI ---------------------------------------------------------------------
cd "$DIR"
q() { "$@" >/dev/null 2>&1; }
q openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout root.key -out root.pem \
  -days 3650 -subj "/CN=Zoo Root" -addext basicConstraints=critical,CA:TRUE \
  -addext keyUsage=critical,keyCertSign,cRLSign
q openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout inter.key -out inter.csr \
  -subj "/CN=Zoo Intermediate"
printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' > inter.ext
q openssl x509 -req -in inter.csr -CA root.pem -CAkey root.key -CAcreateserial -days 3000 \
  -extfile inter.ext -out inter.pem
openssl x509 -in inter.pem -outform DER -out inter.der
# leaf NAME KEYSPEC [EXTRA_EXT_LINE]: NAME.key, NAME.pem (leaf), NAME.chain.pem
leaf() {
  local name="$1" keyspec="$2" extra="${3:-}"
  # shellcheck disable=SC2086
  q openssl req -newkey $keyspec -nodes -keyout "$name.key" -out "$name.csr" -subj "/CN=$name"
  printf 'subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth\n%s\n' "$name" "$extra" > "$name.ext"
  q openssl x509 -req -in "$name.csr" -CA inter.pem -CAkey inter.key -CAcreateserial -days 400 \
    -extfile "$name.ext" -out "$name.pem"
  cat "$name.pem" inter.pem > "$name.chain.pem"
}
leaf site.test rsa:2048
cp site.test.key site-rsa.key; cp site.test.chain.pem site-rsa.chain.pem
leaf site.test "ec -pkeyopt ec_paramgen_curve:P-256"
cp site.test.key site-ec.key; cp site.test.chain.pem site-ec.chain.pem
leaf other.test rsa:2048
leaf aia.test rsa:2048 "authorityInfoAccess=caIssuers;URI:http://127.0.0.1:$P_HTTP/inter.der"
leaf legacy.test rsa:2048
leaf tls13.test "ec -pkeyopt ec_paramgen_curve:P-384"
leaf tls12.test rsa:2048
q openssl dhparam -dsaparam -out dh1024.pem 1024
mkdir -p tmp logs www
cp inter.der www/
# nginx workers run as an unprivileged user: let them read the AIA file.
chmod 755 "$DIR" www && chmod 644 www/inter.der

# --- servers -----------------------------------------------------------------
cat > nginx.conf <<CONF
worker_processes 1;
pid $DIR/nginx.pid;
error_log $DIR/error.log warn;
daemon on;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path $DIR/tmp; proxy_temp_path $DIR/tmp; fastcgi_temp_path $DIR/tmp;
  uwsgi_temp_path $DIR/tmp; scgi_temp_path $DIR/tmp;
  server {
    listen 127.0.0.1:$P_DUAL ssl default_server;
    server_name other.test;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_certificate $DIR/other.test.chain.pem; ssl_certificate_key $DIR/other.test.key;
    location / { return 200 "other"; }
  }
  server {
    listen 127.0.0.1:$P_DUAL ssl;
    server_name site.test;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers 'ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-AES256-SHA:DHE-RSA-AES128-GCM-SHA256:AES128-SHA';
    ssl_prefer_server_ciphers on;
    ssl_ecdh_curve X25519:secp384r1:prime256v1;
    ssl_certificate $DIR/site-rsa.chain.pem; ssl_certificate_key $DIR/site-rsa.key;
    ssl_certificate $DIR/site-ec.chain.pem; ssl_certificate_key $DIR/site-ec.key;
    ssl_session_cache shared:zoo:1m;
    add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;
    location / { return 200 "ok"; }
  }
  server {
    listen 127.0.0.1:$P_AIA ssl;
    server_name aia.test;
    ssl_protocols TLSv1.2;
    ssl_prefer_server_ciphers off;
    ssl_session_tickets off;
    ssl_certificate $DIR/aia.test.pem; ssl_certificate_key $DIR/aia.test.key;
    location / { return 200 "aia"; }
  }
  server {
    listen 127.0.0.1:$P_HTTP;
    root $DIR/www;
  }
}
CONF
"$NGINX" -p "$DIR" -c "$DIR/nginx.conf"
s_server() {
  local port="$1"; shift
  openssl s_server -accept "127.0.0.1:$port" -quiet -naccept 100000 "$@" </dev/null >/dev/null 2>&1 &
  PIDS+=("$!")
}
s_server "$P_LEGACY" -cert legacy.test.pem -key legacy.test.key -cert_chain inter.pem \
  -min_protocol TLSv1 -max_protocol TLSv1.1 -cipher 'ALL:@SECLEVEL=0' -dhparam dh1024.pem
s_server "$P_13" -cert tls13.test.pem -key tls13.test.key -cert_chain inter.pem -tls1_3
s_server "$P_12" -cert tls12.test.pem -key tls12.test.key -cert_chain inter.pem -tls1_2 \
  -cipher 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-SHA384:AES256-SHA256' -serverpref
for p in "$P_DUAL" "$P_AIA" "$P_HTTP" "$P_LEGACY" "$P_13" "$P_12"; do wait_port "$p"; done

# --- scans -------------------------------------------------------------------
# Volatile fields: timings, when, and which build.
FILTER='del(.. | .timings?, .started_at?, .graded_at?, .scanner?)'
scan() { # BIN NAME HOST PORT OUT: the filtered report, the exit status and stderr
  local code=0
  "$1" scan "$3:$4" --json --allow-private --resolve "$3:$4:127.0.0.1" --ca-file "$DIR/root.pem" \
    --timeout 20 > "$5.raw" 2> "$5.err" || code=$?
  jq -S "$FILTER" "$5.raw" > "$5" 2>/dev/null || cp "$5.raw" "$5"
  { echo "exit status: $code"; cat "$5.err"; } >> "$5"
}
status=0
for target in "nginx-dual site.test $P_DUAL" "nginx-aia aia.test $P_AIA" \
  "legacy legacy.test $P_LEGACY" "tls13 tls13.test $P_13" "tls12 tls12.test $P_12" \
  "plain-http plain.test $P_HTTP" "closed closed.test $P_CLOSED"; do
  read -r name host p <<< "$target"
  for run in $(seq "$RUNS"); do
    scan "$OLD" "$name" "$host" "$p" "$DIR/$name.old.$run.json"
    scan "$NEW" "$name" "$host" "$p" "$DIR/$name.new.$run.json"
    if diff -u "$DIR/$name.old.$run.json" "$DIR/$name.new.$run.json" > "$DIR/$name.diff"; then
      echo "compare-scans: $name (run $run): identical ($(wc -c < "$DIR/$name.new.$run.json") bytes)"
    else
      echo "compare-scans: $name (run $run): DIFFERENT"
      cat "$DIR/$name.diff"
      status=1
    fi
  done
done
if [[ -n "${KEEP:-}" ]]; then cp "$DIR"/*.json "$KEEP"/ && echo "compare-scans: reports kept in $KEEP"; fi
exit "$status"
