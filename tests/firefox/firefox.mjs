// Debian's Firefox ESR (never a downloaded one), driven through geckodriver
// (crates.io: `cargo install geckodriver`) over W3C WebDriver, headless, in a
// new profile that trusts the zoo's test root (imported with NSS certutil)
// and resolves every host name to 127.0.0.1.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Session } from './webdriver.mjs';

export const FIREFOX_ID = 'tlslens@example.invalid';

function which(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const f = path.join(dir, name);
    try {
      fs.accessSync(f, fs.constants.X_OK);
      return f;
    } catch { /* next */ }
  }
  return null;
}

function executable(f) {
  try {
    fs.accessSync(f, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

// The tools, or the reason the Firefox tests cannot run (a skip, not a failure).
export function findTools() {
  const firefox = process.env.FIREFOX_PATH || ['/usr/bin/firefox-esr', '/usr/lib/firefox-esr/firefox-esr'].find(executable) || null;
  const geckodriver = process.env.GECKODRIVER_PATH || which('geckodriver')
    || [path.join(os.homedir(), '.cargo', 'bin', 'geckodriver')].find(executable) || null;
  const certutil = which('certutil');
  const missing = [];
  if (!firefox || !executable(firefox)) missing.push(`Firefox ESR (${process.env.FIREFOX_PATH || '/usr/bin/firefox-esr'}; apt-get install firefox-esr)`);
  if (!geckodriver || !executable(geckodriver)) missing.push('geckodriver (cargo install geckodriver; or set GECKODRIVER_PATH)');
  if (!certutil) missing.push('certutil (apt-get install libnss3-tools)');
  return { firefox, geckodriver, certutil, skip: missing.length ? `missing ${missing.join(', ')} — run: bash scripts/ensure-firefox.sh` : null };
}

export function firefoxVersion(firefox) {
  try {
    return execFileSync(firefox, ['--version'], { encoding: 'utf8', timeout: 20_000 }).trim();
  } catch (err) {
    return `unknown (${err.message})`;
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// Preferences of the test profile (user.js). geckodriver adds its own
// (Marionette's recommended ones: no updates, no telemetry, no first-run UI).
export function profilePrefs({ uuid }) {
  return {
    // Every host name → 127.0.0.1, where the zoo servers listen: no DNS.
    'network.dns.forceResolve': '127.0.0.1',
    'network.dns.disableIPv6': true,
    'network.proxy.type': 0,
    // The extension's moz-extension:// host, known in advance.
    'extensions.webextensions.uuids': JSON.stringify({ [FIREFOX_ID]: uuid }),
    // permissions.request() of optional host permissions is granted without
    // the doorhanger (headless has nobody to click it); the call still needs
    // a user action (a WebDriver click), as in real use.
    'extensions.webextOptionalPermissionPrompts': false,
    'xpinstall.signatures.required': false,
    // Nothing but loopback: no OCSP, safe browsing, captive portal, remote settings.
    'security.OCSP.enabled': 0,
    'security.ssl.enable_ocsp_stapling': true,
    'security.remote_settings.crlite_filters.enabled': false,
    'security.remote_settings.intermediates.enabled': false,
    'security.pki.crlite_mode': 0,
    'browser.safebrowsing.malware.enabled': false,
    'browser.safebrowsing.phishing.enabled': false,
    'browser.safebrowsing.downloads.enabled': false,
    'browser.safebrowsing.update.enabled': false,
    'network.captive-portal-service.enabled': false,
    'network.connectivity-service.enabled': false,
    'services.settings.server': 'http://127.0.0.1:9/',
    'extensions.update.enabled': false,
    'extensions.getAddons.cache.enabled': false,
    'app.normandy.enabled': false,
    'browser.ping-centre.telemetry': false,
    'datareporting.policy.dataSubmissionEnabled': false,
    'toolkit.telemetry.enabled': false,
    'network.http.http3.enable': false,
    'dom.security.https_first': false,
    'browser.tabs.warnOnClose': false,
  };
}

// A new profile directory: NSS databases with the test root trusted for TLS
// servers, and the prefs above.
export function makeProfile({ certutil, caFile, uuid }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlslens-firefox-'));
  execFileSync(certutil, ['-N', '-d', `sql:${dir}`, '--empty-password'], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (caFile) {
    execFileSync(certutil, ['-A', '-d', `sql:${dir}`, '-n', 'TLS Lens Zoo Root', '-t', 'C,,', '-i', caFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  }
  const prefs = profilePrefs({ uuid });
  fs.writeFileSync(path.join(dir, 'user.js'), Object.entries(prefs).map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});`).join('\n') + '\n');
  return dir;
}

// Starts geckodriver and a headless Firefox session on the profile. Returns
// { session, close, log }.
export async function launchFirefox({ firefox, geckodriver, profile, width = 420, height = 640 }) {
  const port = await freePort();
  const marionettePort = await freePort();
  const websocketPort = await freePort();
  // --allow-system-access: Marionette (Firefox 138+) refuses to navigate to
  // privileged pages, moz-extension:// ones included, without it.
  const child = spawn(geckodriver, ['--host', '127.0.0.1', '--port', String(port), '--marionette-port', String(marionettePort),
    '--websocket-port', String(websocketPort), '--allow-system-access', '--binary', firefox, '--log', 'info'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MOZ_HEADLESS: '1', MOZ_HEADLESS_WIDTH: String(width), MOZ_HEADLESS_HEIGHT: String(height) },
  });
  let log = '';
  const keep = (d) => { log = (log + d).slice(-20_000); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const res = await fetch(`${base}/status`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) break;
    } catch { /* not yet */ }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`geckodriver did not start: ${log.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  let session;
  try {
    session = await Session.create(base, {
      browserName: 'firefox',
      acceptInsecureCerts: false,
      'moz:firefoxOptions': {
        binary: firefox,
        args: ['-headless', '-profile', profile, '-no-remote'],
        log: { level: 'info' },
      },
    });
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${err.message}\n--- geckodriver log ---\n${log.trim()}`);
  }
  const close = async () => {
    await session.delete();
    await new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      const t = setTimeout(() => { try { child.kill('SIGKILL'); } catch { /* gone */ } resolve(); }, 5000);
      child.once('exit', () => { clearTimeout(t); resolve(); });
      child.kill('SIGTERM');
    });
  };
  return { session, close, log: () => log };
}
