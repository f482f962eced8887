"""A real Firefox for the client-simulation tests (relay/tests/clients_real.rs):
Debian's Firefox ESR, headless, driven by geckodriver (W3C WebDriver over
HTTP, Python's standard library only), in a fresh profile whose NSS database
trusts only the test CA (made by the test, clients_real.rs `nss_trusting`) and
whose DNS this script sends to 127.0.0.1.

    /usr/bin/python3 firefox.py PORT SERVERNAME PROFILE

Prints "page loaded" and exits 0 when https://SERVERNAME:PORT/ loads (the
handshake and Firefox's certificate checks passed), else "FAIL <the error
page's code>" (SSL_ERROR_NO_CYPHER_OVERLAP, SEC_ERROR_UNKNOWN_ISSUER, …) and
exits 1. Exits 2 when Firefox or geckodriver could not be driven at all."""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

FIREFOX = "/usr/bin/firefox-esr"

# Prefs of the test profile: names resolve to loopback, nothing else is
# fetched (updates, telemetry, captive portal, safe browsing, OCSP: the test
# CA has no responder), and no cached TLS state survives between runs.
PREFS = {
    "network.dns.forceResolve": "127.0.0.1",
    "network.dns.disableIPv6": True,
    "network.proxy.type": 0,
    "security.OCSP.enabled": 0,
    "security.ssl.enable_ocsp_stapling": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "app.update.disabledForTesting": True,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "toolkit.telemetry.enabled": False,
    "browser.shell.checkDefaultBrowser": False,
    "network.http.http3.enable": False,
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_prefs(prof):
    """The test prefs, in the profile's user.js."""
    with open(os.path.join(prof, "user.js"), "w") as f:
        for name, value in PREFS.items():
            f.write("user_pref(%s, %s);\n" % (json.dumps(name), json.dumps(value)))


def call(base, method, path, body=None, timeout=60):
    """One WebDriver command; returns (ok, value)."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return True, json.loads(r.read())["value"]
    except urllib.error.HTTPError as e:
        return False, json.loads(e.read() or b"{}").get("value", {})


def wait_for_driver(base, proc, deadline):
    while time.time() < deadline:
        if proc.poll() is not None:
            return False
        try:
            ok, value = call(base, "GET", "/status", timeout=2)
            if ok and value.get("ready"):
                return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


def error_code(text):
    """The NSS/Firefox error code an error page or WebDriver message names."""
    m = re.search(r"\b((?:SSL|SEC|MOZILLA_PKIX)_ERROR_[A-Z0-9_]+)", text)
    if m:
        return m.group(1)
    m = re.search(r"about:(?:neterror|certerror)\?e=([A-Za-z0-9]+)", text)
    return m.group(1) if m else None


# Asks the error page itself: its documents expose the failure's NSS code.
READ_ERROR = """
const info = (f) => { try { return f() } catch (e) { return null } };
const cert = info(() => document.getFailedCertSecurityInfo());
const net = info(() => document.getNetErrorInfo());
return (cert && cert.errorCodeString) || (net && net.errorCodeString)
    || document.body.innerText;
"""


def page_error(base, session):
    """The error code of the error page Firefox shows, read from the page."""
    for _ in range(20):
        ok, value = call(base, "POST", "/session/%s/execute/sync" % session,
                         {"script": READ_ERROR, "args": []})
        if ok and isinstance(value, str):
            code = error_code(value) or (value if re.fullmatch(r"[A-Z0-9_]+", value) else None)
            if code:
                return code
        time.sleep(0.1)
    return None


def main():
    port, name, prof = sys.argv[1], sys.argv[2], sys.argv[3]
    if not shutil.which("geckodriver") or not os.path.exists(FIREFOX):
        print("FAIL geckodriver or firefox-esr missing")
        return 2
    write_prefs(prof)
    dport = free_port()
    base = "http://127.0.0.1:%d" % dport
    driver = subprocess.Popen(
        ["geckodriver", "--port", str(dport), "--host", "127.0.0.1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    session = None
    try:
        if not wait_for_driver(base, driver, time.time() + 30):
            print("FAIL geckodriver did not start")
            return 2
        caps = {
            "browserName": "firefox",
            "acceptInsecureCerts": False,
            "moz:firefoxOptions": {
                "binary": FIREFOX,
                "args": ["-headless", "-profile", prof],
            },
        }
        ok, value = call(base, "POST", "/session", {"capabilities": {"alwaysMatch": caps}}, 120)
        if not ok:
            print("FAIL no WebDriver session:", value.get("message", value))
            return 2
        session = value["sessionId"]
        url = "https://%s:%s/" % (name, port)
        ok, value = call(base, "POST", "/session/%s/url" % session, {"url": url}, 60)
        _, source = call(base, "GET", "/session/%s/source" % session)
        source = source if isinstance(source, str) else ""
        if ok and ("s_server" in source or "Ciphers supported" in source):
            print("page loaded")
            return 0
        message = "" if ok else str(value.get("message", ""))
        code = page_error(base, session) or error_code(message) or "no page"
        print("FAIL", code)
        return 1
    finally:
        if session:
            call(base, "DELETE", "/session/%s" % session)
        driver.terminate()
        try:
            driver.wait(10)
        except subprocess.TimeoutExpired:
            driver.kill()


if __name__ == "__main__":
    sys.exit(main())
