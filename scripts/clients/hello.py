"""Reads a recorded ClientHello (hex, as written in testssl.sh's
client-simulation.txt or captured by capture-hello.py) into the fields of
wasm-core/data/clients.json. Shared by transcribe.py and by the review of a row:

    python3 scripts/clients/hello.py 1603010200...   # prints the fields

Names come from the core's own registries (wasm-core/src/suites.rs, groups.rs)
so a row written from bytes uses exactly the spelling the core reads back."""

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

GREASE = {0x0A0A + 0x1010 * i for i in range(16)}

EXTENSIONS = {
    0x0000: "server_name", 0x0005: "status_request", 0x000A: "supported_groups",
    0x000B: "ec_point_formats", 0x000D: "signature_algorithms", 0x000F: "heartbeat",
    0x0010: "alpn", 0x0011: "status_request_v2", 0x0012: "signed_certificate_timestamp",
    0x0015: "padding", 0x0016: "encrypt_then_mac", 0x0017: "extended_master_secret",
    0x001B: "compress_certificate", 0x001C: "record_size_limit", 0x0022: "delegated_credentials",
    0x0023: "session_ticket", 0x0029: "pre_shared_key", 0x002A: "early_data",
    0x002B: "supported_versions", 0x002D: "psk_key_exchange_modes", 0x0031: "post_handshake_auth",
    0x0032: "signature_algorithms_cert", 0x0033: "key_share", 0x3374: "next_protocol_negotiation",
    0x4469: "application_settings_old", 0x44CD: "application_settings", 0x754F: "channel_id_old",
    0x7550: "channel_id", 0xFE0D: "encrypted_client_hello", 0xFF01: "renegotiation_info",
}

SIGNATURE_SCHEMES = {
    0x0201: "rsa_pkcs1_sha1", 0x0202: "dsa_sha1", 0x0203: "ecdsa_sha1",
    0x0301: "rsa_pkcs1_sha224", 0x0302: "dsa_sha224", 0x0303: "ecdsa_sha224",
    0x0401: "rsa_pkcs1_sha256", 0x0402: "dsa_sha256", 0x0403: "ecdsa_secp256r1_sha256",
    0x0501: "rsa_pkcs1_sha384", 0x0502: "dsa_sha384", 0x0503: "ecdsa_secp384r1_sha384",
    0x0601: "rsa_pkcs1_sha512", 0x0602: "dsa_sha512", 0x0603: "ecdsa_secp521r1_sha512",
    0x0101: "rsa_pkcs1_md5", 0x0102: "dsa_md5", 0x0103: "ecdsa_md5",
    0x0804: "rsa_pss_rsae_sha256", 0x0805: "rsa_pss_rsae_sha384", 0x0806: "rsa_pss_rsae_sha512",
    0x0807: "ed25519", 0x0808: "ed448", 0x0809: "rsa_pss_pss_sha256",
    0x080A: "rsa_pss_pss_sha384", 0x080B: "rsa_pss_pss_sha512",
    0x081A: "ecdsa_brainpoolP256r1tls13_sha256", 0x081B: "ecdsa_brainpoolP384r1tls13_sha384",
    0x081C: "ecdsa_brainpoolP512r1tls13_sha512",
    0x0904: "mldsa44", 0x0905: "mldsa65", 0x0906: "mldsa87",
}

VERSIONS = {0x0002: "SSLv2", 0x0300: "SSLv3", 0x0301: "TLSv1.0", 0x0302: "TLSv1.1",
            0x0303: "TLSv1.2", 0x0304: "TLSv1.3"}
SCSV = {0x00FF: "renegotiation_info_scsv", 0x5600: "fallback_scsv"}


def _registry(path, pattern):
    text = (ROOT / path).read_text()
    return {int(c, 0): n for c, n in re.findall(pattern, text)}


SUITES = _registry("wasm-core/src/suites.rs", r'\((0x[0-9A-Fa-f]{4}), "([A-Z0-9_]+)"')
GROUPS = _registry("wasm-core/src/groups.rs", r'g\((0x[0-9A-Fa-f]+|\d+), "([^"]+)"')


def name(table, code):
    return table.get(code, f"0x{code:04X}")


class Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise ValueError(f"truncated at {self.pos} (+{n} of {len(self.data)})")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def u(self, n):
        return int.from_bytes(self.take(n), "big")

    def vec(self, n):
        return Reader(self.take(self.u(n)))

    def done(self):
        return self.pos == len(self.data)

    def u16s(self):
        if len(self.data) % 2:
            raise ValueError("odd u16 list")
        return [int.from_bytes(self.data[i:i + 2], "big") for i in range(0, len(self.data), 2)]


def parse(hex_text):
    """The fields of one hello: see docs/clients.md for their meaning."""
    data = bytes.fromhex(hex_text)
    if data[0] & 0x80:
        return _parse_sslv2(data)
    body = b""
    rec = Reader(data)
    record_version = None
    while not rec.done():
        if rec.u(1) != 0x16:
            raise ValueError("not a handshake record")
        version = rec.u(2)
        record_version = version if record_version is None else record_version
        body += rec.vec(2).data
    hs = Reader(body)
    if hs.u(1) != 1:
        raise ValueError("not a ClientHello")
    r = hs.vec(3)
    if not hs.done():
        raise ValueError("trailing bytes after the ClientHello")
    client_version = r.u(2)
    r.take(32)
    r.vec(1)
    raw_suites = r.vec(2).u16s()
    compression = list(r.vec(1).data)
    out = {
        "record_version": name(VERSIONS, record_version),
        "client_version": name(VERSIONS, client_version),
        "grease": any(s in GREASE for s in raw_suites),
        "suites": [name(SUITES, s) for s in raw_suites if s not in GREASE and s not in SCSV],
        "scsv": [SCSV[s] for s in raw_suites if s in SCSV],
        "compression": compression,
        "extensions": [], "sni": False, "groups": [], "key_shares": [],
        "signature_algorithms": [], "alpn": [], "supported_versions": [], "ec_point_formats": [],
    }
    exts = r.vec(2) if not r.done() else Reader(b"")
    if not r.done():
        raise ValueError("trailing bytes in the ClientHello body")
    while not exts.done():
        typ = exts.u(2)
        ext = exts.vec(2)
        if typ in GREASE:
            out["extensions"].append("grease")
            continue
        out["extensions"].append(EXTENSIONS.get(typ, f"0x{typ:04X}"))
        _extension(typ, ext, out)
    return out


def _extension(typ, ext, out):
    if typ == 0x0000:
        out["sni"] = len(ext.data) > 0
    elif typ == 0x000A:
        out["groups"] = [name(GROUPS, g) for g in ext.vec(2).u16s() if g not in GREASE]
    elif typ == 0x000B:
        out["ec_point_formats"] = list(ext.vec(1).data)
    elif typ == 0x000D:
        out["signature_algorithms"] = [name(SIGNATURE_SCHEMES, s) for s in ext.vec(2).u16s()]
    elif typ == 0x0010:
        lst = ext.vec(2)
        while not lst.done():
            out["alpn"].append(lst.vec(1).data.decode("ascii", "replace"))
    elif typ == 0x002B:
        out["supported_versions"] = [name(VERSIONS, v) for v in ext.vec(1).u16s() if v not in GREASE]
    elif typ == 0x0033:
        shares = ext.vec(2)
        while not shares.done():
            g = shares.u(2)
            shares.vec(2)
            if g not in GREASE:
                out["key_shares"].append(name(GROUPS, g))


def _parse_sslv2(data):
    r = Reader(data)
    length = r.u(2) & 0x7FFF
    body = Reader(r.take(length))
    if body.u(1) != 1:
        raise ValueError("not an SSLv2 CLIENT-HELLO")
    version = body.u(2)
    spec_len, sid_len, chal_len = body.u(2), body.u(2), body.u(2)
    specs = body.take(spec_len)
    body.take(sid_len)
    body.take(chal_len)
    suites = []
    for i in range(0, len(specs), 3):
        kind = int.from_bytes(specs[i:i + 3], "big")
        if kind >> 16 == 0 and (kind & 0xFFFF) not in SCSV:
            suites.append(name(SUITES, kind & 0xFFFF))
    return {
        "record_version": "SSLv2", "client_version": name(VERSIONS, version), "grease": False,
        "suites": suites, "scsv": [], "compression": [0], "extensions": [], "sni": False,
        "groups": [], "key_shares": [], "signature_algorithms": [], "alpn": [],
        "supported_versions": [], "ec_point_formats": [], "sslv2_hello": True,
    }


if __name__ == "__main__":
    print(json.dumps(parse(sys.argv[1]), indent=1))
