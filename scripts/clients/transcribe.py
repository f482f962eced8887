"""Writes the rows of wasm-core/data/clients.json that come from recorded
ClientHellos: SSL Labs' client list as recorded by testssl.sh
(etc/client-simulation.txt) and hellos captured on this project's Debian
machine with capture-hello.py. It is how the table was transcribed, and how a
reviewer checks a row against its source:

    apt-get download testssl.sh && dpkg-deb -x testssl.sh_*.deb x
    python3 scripts/clients/transcribe.py x/etc/testssl/client-simulation.txt \
        [more client-simulation files] [--captured DIR] > rows.json

The client's own rules (root store, AIA, current, key limits beyond SSL Labs')
come from ROWS below, each with its source; rows with no recorded hello are
written by hand in clients.json. Facts are transcribed; no code of the sources
is used."""

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import hello  # noqa: E402

TESTSSL_308 = "testssl.sh 3.0.8 etc/client-simulation.txt (Debian testssl.sh 3.0.8+dfsg-1), SSL Labs client list"
TESTSSL_UP = "testssl.sh etc/client-simulation.txt at 0d6ab6b (SSL Labs / wireshark captures)"
CAPTURED = "captured by scripts/clients/capture-hello.py on Debian 12 (bookworm)"

# (testssl name or capture file, id, name, platform, current, store, intermediates, extra)
# intermediates: fetch (AIA), preloaded (Firefox), none.
ROWS = [
    ("Android 2.3.7", "android-2.3.7", "Android 2.3.7", "android", False, "android-2.3", "none", {}),
    ("Android 4.0.4", "android-4.0.4", "Android 4.0.4", "android", False, "android-4.0", "none", {}),
    ("Android 4.1.1", "android-4.1.1", "Android 4.1.1", "android", False, "android-4.1", "none", {}),
    ("Android 4.2.2", "android-4.2.2", "Android 4.2.2", "android", False, "android-4.2", "none", {}),
    ("Android 4.3", "android-4.3", "Android 4.3", "android", False, "android-4.3", "none", {}),
    ("Android 4.4.2", "android-4.4.2", "Android 4.4.2", "android", False, "android-4.4", "none", {}),
    ("Android 5.0.0", "android-5.0", "Android 5.0", "android", False, "android-5", "none", {}),
    ("Android 6.0", "android-6.0", "Android 6.0", "android", False, "android-6", "none", {}),
    ("Android 7.0 (native)", "android-7.0", "Android 7.0", "android", False, "android-7", "none", {}),
    ("Android 8.1 (native)", "android-8.1", "Android 8.1", "android", False, "android-8", "none", {}),
    ("Android 9.0 (native)", "android-9", "Android 9", "android", False, "android-9", "none", {}),
    ("Android 10.0 (native)", "android-10", "Android 10", "android", False, "android-10", "none", {}),
    ("Android 11/12 (native)", "android-11-12", "Android 11/12", "android", False, "android-11", "none", {}),
    ("Android 13/14 (native)", "android-13-14", "Android 13/14", "android", True, "android-13", "none", {}),
    ("Chrome 49 XP SP3", "chrome-49-xp", "Chrome 49 / XP SP3", "chrome", False, "microsoft", "fetch", {}),
    ("Chrome 70 Win 10", "chrome-70-win10", "Chrome 70 / Win 10", "chrome", False, "microsoft", "fetch", {}),
    ("Chrome 79 (Win 10)", "chrome-79-win10", "Chrome 79 / Win 10", "chrome", False, "microsoft", "fetch", {}),
    ("Chrome 101 (Win 10)", "chrome-101-win10", "Chrome 101 / Win 10", "chrome", False, "microsoft", "fetch", {}),
    ("Edge 15 Win 10", "edge-15-win10", "Edge 15 / Win 10", "edge", False, "microsoft", "fetch", {}),
    ("Edge 17 (Win 10)", "edge-17-win10", "Edge 17 / Win 10", "edge", False, "microsoft", "fetch", {}),
    ("Edge 101 Win 10 21H2", "edge-101-win10", "Edge 101 / Win 10", "edge", False, "microsoft", "fetch", {}),
    ("Firefox 49 XP SP3", "firefox-49-xp", "Firefox 49 / XP SP3", "firefox", False, "mozilla", "none", {}),
    ("Firefox 62 Win 7", "firefox-62-win7", "Firefox 62 / Win 7", "firefox", False, "mozilla", "none", {}),
    ("Firefox 71 (Win 10)", "firefox-71-win10", "Firefox 71 / Win 10", "firefox", False, "mozilla", "none", {}),
    ("Firefox 100 (Win 10)", "firefox-100-win10", "Firefox 100 / Win 10", "firefox", False, "mozilla", "preloaded", {}),
    ("IE 6 XP", "ie-6-xp", "IE 6 / XP", "ie", False, "microsoft", "fetch", {}),
    ("IE 8 XP", "ie-8-xp", "IE 8 / XP", "ie", False, "microsoft", "fetch", {}),
    ("IE 7 Vista", "ie-7-vista", "IE 7 / Vista", "ie", False, "microsoft", "fetch", {}),
    ("IE 8-10 Win 7", "ie-8-10-win7", "IE 8-10 / Win 7", "ie", False, "microsoft", "fetch", {}),
    ("IE 11 Win 7", "ie-11-win7", "IE 11 / Win 7", "ie", False, "microsoft", "fetch", {}),
    ("IE 11 Win 8.1", "ie-11-win81", "IE 11 / Win 8.1", "ie", False, "microsoft", "fetch", {}),
    ("IE 11 Win Phone 8.1", "ie-11-winphone81", "IE 11 / Win Phone 8.1", "ie", False, "microsoft", "fetch", {}),
    ("IE 11 Win 10", "ie-11-win10", "IE 11 / Win 10", "ie", False, "microsoft", "fetch", {}),
    ("Opera 66 (Win 10)", "opera-66-win10", "Opera 66 / Win 10", "opera", False, "microsoft", "fetch", {}),
    ("Safari 6 iOS 6.0.1", "safari-6-ios6", "Safari 6 / iOS 6.0.1", "safari", False, "apple-ios", "fetch", {}),
    ("Safari 7 OS X 10.9", "safari-7-osx109", "Safari 7 / OS X 10.9", "safari", False, "apple-macos", "fetch", {}),
    ("Safari 9 iOS 9", "safari-9-ios9", "Safari 9 / iOS 9", "safari", False, "apple-ios", "fetch", {}),
    ("Safari 10 OS X 10.12", "safari-10-osx1012", "Safari 10 / OS X 10.12", "safari", False, "apple-macos", "fetch", {}),
    ("Safari 12.1 (iOS 12.2)", "safari-12.1-ios12", "Safari 12.1 / iOS 12.2", "safari", False, "apple-ios", "fetch", {}),
    ("Safari 13.0 (macOS 10.14.6)", "safari-13-macos1014", "Safari 13 / macOS 10.14", "safari", False, "apple-macos", "fetch", {}),
    ("Safari 15.4 (macOS 12.3.1)", "safari-15.4-macos12", "Safari 15.4 / macOS 12.3", "safari", False, "apple-macos", "fetch", {}),
    ("Safari 18.4 (iOS 18.4)", "safari-18.4-ios18", "Safari 18.4 / iOS 18.4", "safari", True, "apple-ios", "fetch", {}),
    ("Safari 18.4 (macOS 15.4)", "safari-18.4-macos15", "Safari 18.4 / macOS 15.4", "safari", True, "apple-macos", "fetch", {}),
    ("Apple ATS 9 iOS 9", "apple-ats-9-ios9", "Apple ATS 9 / iOS 9", "apple-app", False, "apple-ios", "fetch", {}),
    ("Java 6u45", "java-6u45", "Java 6u45", "java", False, "java", "none", {}),
    ("Java 7u25", "java-7u25", "Java 7u25", "java", False, "java", "none", {}),
    ("Java 8u31", "java-8u31", "Java 8u31", "java", False, "java", "none", {}),
    ("Java 8u111", "java-8u111", "Java 8u111", "java", False, "java", "none", {}),
    ("Java 8u161", "java-8u161", "Java 8u161", "java", False, "java", "none", {}),
    ("Java 9.0.4", "java-9.0.4", "Java 9.0.4", "java", False, "java", "none", {}),
    ("Java 11.0.2 (OpenJDK)", "java-11.0.2", "Java 11.0.2", "java", False, "java", "none", {"rsa_min": 1024}),
    ("Java 17.0.3 (OpenJDK)", "java-17.0.3", "Java 17.0.3", "java", True, "java", "none", {"rsa_min": 1024, "sha1": False}),
    ("Java 21.0.6 (OpenJDK)", "java-21.0.6", "Java 21.0.6", "java", True, "java", "none", {"rsa_min": 1024}),
    ("OpenSSL 0.9.8y", "openssl-0.9.8y", "OpenSSL 0.9.8y", "openssl", False, "mozilla", "none", {}),
    ("OpenSSL 1.0.1l", "openssl-1.0.1l", "OpenSSL 1.0.1l", "openssl", False, "mozilla", "none", {}),
    ("OpenSSL 1.0.2e", "openssl-1.0.2e", "OpenSSL 1.0.2e", "openssl", False, "mozilla", "none", {}),
    ("OpenSSL 1.1.0l (Debian)", "openssl-1.1.0l-debian", "OpenSSL 1.1.0l (Debian 9)", "openssl", False, "mozilla", "none", {}),
    ("OpenSSL 1.1.1d (Debian)", "openssl-1.1.1d-debian", "OpenSSL 1.1.1d (Debian 10)", "openssl", False, "mozilla", "none",
        {"min_protocol": "TLSv1.2", "rsa_min": 2048, "dh_min": 2048, "ecdsa_min": 224, "sha1": False}),
    ("OpenSSL 3.0.15 (Debian)", "openssl-3.0.15-debian", "OpenSSL 3.0.15 (Debian 12, testssl)", "openssl", False, "mozilla", "none",
        {"min_protocol": "TLSv1.2", "rsa_min": 2048, "dh_min": 2048, "ecdsa_min": 224, "sha1": False}),
    ("go 1.17.8", "go-1.17.8", "Go 1.17.8", "go", False, "mozilla", "none", {}),
    ("Thunderbird (91.9)", "thunderbird-91.9", "Thunderbird 91.9", "firefox", False, "mozilla", "preloaded", {}),
    ("Apple Mail (16.0)", "apple-mail-16", "Apple Mail 16", "apple-app", False, "apple-macos", "fetch", {}),
    ("Googlebot Feb 2018", "googlebot-2018", "Googlebot (Feb 2018)", "bot", True, "mozilla", "none", {}),
    ("BingPreview Jan 2015", "bingpreview-2015", "BingPreview (Jan 2015)", "bot", False, "microsoft", "none", {}),
    ("YandexBot Jan 2015", "yandexbot-2015", "YandexBot (Jan 2015)", "bot", False, "mozilla", "none", {}),
    ("capture:openssl", "openssl-3.0-debian12", "OpenSSL 3.0 (Debian 12)", "openssl", True, "mozilla", "none",
        {"min_protocol": "TLSv1.2", "rsa_min": 2048, "dh_min": 2048, "ecdsa_min": 224, "sha1": False}),
    ("capture:curl", "curl-7.88-debian12", "curl 7.88 (Debian 12)", "curl", True, "mozilla", "none",
        {"min_protocol": "TLSv1.2", "rsa_min": 2048, "dh_min": 2048, "ecdsa_min": 224, "sha1": False}),
    ("capture:go", "go-1.19-debian12", "Go 1.19 (Debian 12)", "go", True, "mozilla", "none",
        {"sha1": False}),
    ("capture:python", "python-3.11-debian12", "Python 3.11 (Debian 12)", "python", True, "mozilla", "none",
        {"min_protocol": "TLSv1.2", "rsa_min": 2048, "dh_min": 2048, "ecdsa_min": 224, "sha1": False}),
    ("capture:java", "java-17-debian12", "Java 17.0.15 (Debian 12)", "java", True, "java", "none",
        {"dh_min": 1024, "rsa_min": 1024, "ecdsa_min": 224}),
]

CAPTURE_TOOLS = {
    "openssl": "openssl s_client (OpenSSL 3.0.19, Debian 12), default settings",
    "curl": "curl 7.88.1 with OpenSSL 3.0.19 (Debian 12), default settings",
    "python": "Python 3.11.2 ssl.create_default_context() with OpenSSL 3.0.19 (Debian 12)",
    "java": "OpenJDK 17.0.15 (Debian 12 openjdk-17-jdk-headless) SSLSocket with its defaults (relay/tests/real_clients/Probe.java); jdk.certpath.disabledAlgorithms rejects SHA-1 only in chains to the JDK's own roots (SHA1 jdkCA), so a private CA's SHA-1 chain is accepted (sha1: true); RSA < 1024, EC < 224, DH < 1024 refused",
    "go": "Go 1.19.8 (Debian 12 golang-go) net/http with its default transport (scripts/clients/go-get.go); Go 1.18+ rejects SHA-1 certificate signatures (crypto/x509); current Go (1.24+) differs: X25519MLKEM768, no RSA key exchange by default",
}

BROWSERS = {"chrome", "edge", "firefox", "ie", "opera", "safari"}


def read_testssl(path):
    """Each client of a client-simulation.txt as a dict of its arrays' values."""
    clients, cur = [], None
    for line in Path(path).read_text().splitlines():
        m = re.match(r'\s*(\w+)\+=\((.*)\)\s*$', line)
        if not m:
            continue
        key, value = m.groups()
        value = value.strip('"')
        if key == "names":
            cur = {"names": value}
            clients.append(cur)
        elif cur is not None:
            cur[key] = value
    return {c["names"]: c for c in clients}


def bits(value):
    v = int(value) if value not in (None, "") else -1
    return None if v < 0 else v


def row(entry, spec, source):
    _, cid, name, platform, current, store, intermediates, extra = spec
    fields = hello.parse(entry["handshakebytes"])
    versions = fields["supported_versions"] or _version_range(entry, fields)
    rules = {
        "min_protocol": None,
        "dh_min": bits(entry.get("minDhBits")), "dh_max": bits(entry.get("maxDhBits")),
        "rsa_min": bits(entry.get("minRsaBits")), "rsa_max": bits(entry.get("maxRsaBits")),
        "ecdsa_min": bits(entry.get("minEcdsaBits")),
        "sha1": entry.get("requiresSha2", "false") != "true",
        "intermediates": intermediates, "store": store,
    }
    rules.update(extra)
    out = {
        "id": cid, "name": name, "platform": platform, "current": current,
        "browser": platform in BROWSERS, "source": source,
        "versions": versions, "suites": fields["suites"], "groups": fields["groups"],
        "key_shares": fields["key_shares"], "signature_algorithms": fields["signature_algorithms"],
        "extensions": fields["extensions"], "alpn": fields["alpn"], "sni": fields["sni"],
        "ec_point_formats": fields["ec_point_formats"], "grease": fields["grease"],
        "rules": rules, "hello": entry["handshakebytes"],
    }
    return out


def _version_range(entry, fields):
    order = ["SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"]
    low = hello.name(hello.VERSIONS, int(entry.get("lowest_protocol", "0x0300"), 16))
    low = "SSLv2" if low == "0x0200" else low
    high = fields["client_version"]
    return list(reversed(order[order.index(low):order.index(high) + 1]))


def main(argv):
    captured = None
    if "--captured" in argv:
        i = argv.index("--captured")
        captured = Path(argv[i + 1])
        argv = argv[:i] + argv[i + 2:]
    known = {}
    for path in argv:
        source = TESTSSL_UP if "upstream" in path else TESTSSL_308
        for name, entry in read_testssl(path).items():
            entry["_source"] = source
            known.setdefault(name, entry)
    rows = []
    for spec in ROWS:
        key = spec[0]
        if key.startswith("capture:"):
            tool = key.split(":", 1)[1]
            hexdata = (captured / f"{tool}.hex").read_text().strip()
            entry = {"handshakebytes": hexdata, "lowest_protocol": "0x0301"}
            rows.append(row(entry, spec, f"{CAPTURED}: {CAPTURE_TOOLS[tool]}"))
        else:
            entry = known[key]
            rows.append(row(entry, spec, f"{entry['_source']}: \"{key}\""))
    print(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main(sys.argv[1:])
