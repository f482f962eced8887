"""A real Python client for the client-simulation tests
(relay/tests/clients_real.rs): `ssl.create_default_context()` of Debian's
Python (its own cipher string, OpenSSL's security level), trusting only the
test CA.

    /usr/bin/python3 probe.py PORT SERVERNAME CAFILE

Prints "OK protocol suite" and exits 0 when the handshake (and the
certificate check, hostname included) succeeds, else "FAIL reason" and 1."""

import socket
import ssl
import sys

port, name, cafile = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ctx = ssl.create_default_context(cafile=cafile)
try:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with ctx.wrap_socket(raw, server_hostname=name) as s:
            print("OK", s.version(), s.cipher()[0])
except (ssl.SSLError, ssl.CertificateError, OSError) as e:
    print("FAIL", e)
    sys.exit(1)
