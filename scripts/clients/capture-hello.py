"""Captures the ClientHello a real client sends: listens on 127.0.0.1:PORT,
accepts one connection, writes the first handshake record(s) as hex to OUT and
closes (the client then fails, which is expected). Used for the rows of
wasm-core/data/clients.json whose source says "captured":

    python3 scripts/clients/capture-hello.py 9401 curl.hex &
    curl -s https://localhost:9401/

Go resolves localhost to ::1 first; go-get.go (http.Get's defaults, dialing
127.0.0.1:9404) is the program used for the Go row.
"""

import socket
import sys


def capture(port, out):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(1)
    conn, _ = srv.accept()
    conn.settimeout(3)
    data = b""
    try:
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                break
            data += chunk
            if len(data) >= 5 and len(data) >= 5 + int.from_bytes(data[3:5], "big"):
                break
    except OSError:
        pass
    with open(out, "w") as f:
        f.write(data.hex())
    conn.close()
    srv.close()


if __name__ == "__main__":
    capture(int(sys.argv[1]), sys.argv[2])
