// The Firefox build (dist/firefox) in a real headless Firefox ESR, driven by
// geckodriver: the background records webRequest.getSecurityInfo for an HTTPS
// zoo page, and the popup shows the browser's own view (protocol, cipher,
// group, the chain Firefox built, the leaf) — with no relay, a partial grade;
// with the relay, the leaf comparison.
//
// Skips (with the reason) when Firefox ESR, geckodriver or certutil is
// missing: `bash scripts/ensure-firefox.sh` installs them. Run with
// `npm run build && node --test tests/firefox/`. $FIREFOX_PATH and
// $GECKODRIVER_PATH pick other binaries. Screenshots: test-artifacts/firefox-*.png.
//
// How: geckodriver --allow-system-access (Marionette refuses moz-extension://
// navigation without it), a new profile whose NSS store trusts the zoo root,
// network.dns.forceResolve=127.0.0.1, a fixed moz-extension uuid
// (extensions.webextensions.uuids), the add-on installed as a temporary one
// (POST /session/{id}/moz/addon/install), and
// extensions.webextOptionalPermissionPrompts=false so that the popup's
// permissions.request() (after a WebDriver click) is granted without a prompt.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../wasm/core.mjs';
import { makeCerts, startTlsServer, startRelay, ensureRelay, freePort, stopAll } from '../e2e/zoo.mjs';
import { findTools, firefoxVersion, makeProfile, launchFirefox, FIREFOX_ID } from './firefox.mjs';

const EXT_DIR = path.join(ROOT, 'dist', 'firefox');
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const UUID = '7e1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const BASE = `moz-extension://${UUID}`;

const tools = findTools();
if (tools.skip) console.log(`# SKIP Firefox getSecurityInfo tests: ${tools.skip}`);
const opts = { skip: tools.skip ?? false, timeout: 180_000 };

const derOf = (pemFile) => Buffer.from(fs.readFileSync(pemFile, 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64');
const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');

let ff;
let certs;
let certDir;
let profile;
let pageHandle;
let pageTabId;
const ports = {};

// Runs `body` (an async function body with `browser` in scope) in an
// extension page of ours, and returns its result.
async function inExtension(body, args = []) {
  const s = ff.session;
  const res = await s.executeAsync(`
    const done = arguments[arguments.length - 1];
    const args = Array.from(arguments).slice(0, -1);
    const browser = window.browser ?? window.wrappedJSObject?.browser;
    (async () => { ${body} })().then((value) => done({ value }), (err) => done({ error: String(err && err.stack || err) }));
  `, args);
  if (res?.error) throw new Error(`in the extension page: ${res.error}`);
  return res?.value;
}

async function openPopup(url, tabId) {
  const q = new URLSearchParams({ url, tab: String(tabId) });
  await ff.session.navigate(`${BASE}/popup/popup.html?${q}`);
  await ff.session.waitFor(() => ff.session.execute('return document.documentElement.dataset.done === "true"'), { what: 'the popup to finish (data-done)', timeoutMs: 30_000 });
}

async function textOf(css) {
  return ff.session.text(await ff.session.find(css));
}

async function shot(name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  fs.writeFileSync(path.join(ARTIFACTS, name), await ff.session.fullScreenshot());
}

before(async () => {
  if (tools.skip) return;
  assert.ok(fs.existsSync(path.join(EXT_DIR, 'manifest.json')), 'dist/firefox/manifest.json is missing: run `npm run build` first');
  console.log(`# ${firefoxVersion(tools.firefox)}; geckodriver ${tools.geckodriver}`);
  certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlslens-ffzoo-'));
  certs = makeCerts(certDir);
  for (const name of ['good', 'relayDead']) ports[name] = await freePort();
  await startTlsServer({ port: ports.good, cert: certs.cert('good'), key: certs.key('good'), chain: certs.inter });
  profile = makeProfile({ certutil: tools.certutil, caFile: certs.root, uuid: UUID });
  ff = await launchFirefox({ firefox: tools.firefox, geckodriver: tools.geckodriver, profile });
  const id = await ff.session.installAddon(EXT_DIR, { temporary: true });
  assert.equal(id, FIREFOX_ID);
}, { timeout: 120_000 });

after(async () => {
  await ff?.close();
  await stopAll();
  for (const d of [certDir, profile]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

test('Firefox loads the HTTPS zoo page over TLS with the test root trusted', opts, async () => {
  const s = ff.session;
  pageHandle = await s.handle();
  await s.navigate(`https://good.zoo.test:${ports.good}/`);
  assert.equal(await s.url(), `https://good.zoo.test:${ports.good}/`);
  // openssl s_server -www answers with its status page.
  assert.match(await s.source(), /s_server/);
  // The extension's pages: our fixed uuid.
  await s.newTab();
  await s.navigate(`${BASE}/popup/popup.html`);
  // Its tab id (the WebExtension one, not WebDriver's handle): the other tab.
  // Its URL stays hidden from the extension until it has host access.
  const tabs = await inExtension('const me = await browser.tabs.getCurrent(); return (await browser.tabs.query({})).filter((t) => t.id !== me.id).map((t) => ({ id: t.id, url: t.url ?? null }));');
  assert.equal(tabs.length, 1, `one other tab: ${JSON.stringify(tabs)}`);
  assert.equal(tabs[0].url, null, 'no host access yet: the tab URL is hidden');
  pageTabId = tabs[0].id;
  // No relay: a port where nothing listens (the default one may be in use).
  await inExtension('await browser.storage.local.set({ settings: { relayUrl: args[0], token: "", cacheMinutes: 10 } });', [`http://127.0.0.1:${ports.relayDead}`]);
});

test('without host access the popup offers access; the click grants it and reloads the page', opts, async () => {
  const s = ff.session;
  const url = `https://good.zoo.test:${ports.good}/`;
  const before = await inExtension('return browser.permissions.contains({ origins: [args[0]] });', ['https://good.zoo.test/*']);
  assert.equal(before, false, 'the optional host permission should not be granted at install');
  await openPopup(url, pageTabId);
  assert.equal(await s.findAll('[data-testid="browser-view"]').then((l) => l.length), 0, 'no view recorded yet');
  const buttons = await s.findAll('#browser button');
  assert.equal(buttons.length, 1, 'the "Allow and reload the page" button');
  assert.match(await s.text(buttons[0]), /Allow and reload the page/);
  await shot('firefox-popup-ask.png');
  const popupHandle = await s.handle();
  // A WebDriver click is a user action: permissions.request() is allowed; the
  // profile's extensions.webextOptionalPermissionPrompts=false grants it
  // without the (headless, unclickable) doorhanger.
  await s.click(buttons[0]);
  await s.waitFor(async () => (await s.handles()).includes(popupHandle) === false
    || inExtension('return browser.permissions.contains({ origins: [args[0]] });', ['https://good.zoo.test/*']), { what: 'the permission to be granted' });
  if (!(await s.handles()).includes(popupHandle)) {
    await s.newTab();
    await s.navigate(`${BASE}/popup/popup.html`);
  }
  assert.equal(await inExtension('return browser.permissions.contains({ origins: [args[0]] });', ['https://good.zoo.test/*']), true);
  // The page tab was reloaded with access: the background recorded its view.
  const rec = await s.waitFor(() => inExtension('const k = `secinfo:${args[0]}`; return (await browser.storage.session.get(k))[k] ?? null;', [pageTabId]),
    { what: `storage.session secinfo:${pageTabId}`, timeoutMs: 20_000 });
  assert.equal(rec.url, url);
  assert.equal(rec.state, 'secure');
  assert.equal(rec.protocol, 'TLSv1.3');
  assert.match(rec.cipherSuite, /^TLS_AES_(128_GCM_SHA256|256_GCM_SHA384)$|^TLS_CHACHA20_POLY1305_SHA256$/);
  assert.ok(rec.group, 'a key exchange group');
  assert.equal(rec.certificates.length, 3, 'leaf, intermediate, the test root');
  assert.equal(rec.certificates[0].sha256, sha256(derOf(certs.cert('good'))));
  assert.equal(rec.certificates[1].sha256, sha256(derOf(certs.inter)));
  assert.equal(rec.certificates[2].sha256, sha256(derOf(certs.root)));
  assert.equal(Buffer.from(rec.certificates[0].der, 'base64').equals(derOf(certs.cert('good'))), true, 'rawDER of the leaf');
});

test('no relay: the popup shows what Firefox saw and a partial grade', opts, async () => {
  const s = ff.session;
  const url = `https://good.zoo.test:${ports.good}/`;
  await openPopup(url, pageTabId);
  await shot('firefox-popup-partial.png');
  // The relay is down: its error, with what to do.
  const err = await s.find('[data-testid="error"]');
  assert.equal(await s.execute('return arguments[0].dataset.kind', [{ 'element-6066-11e4-a52e-4f735466cecf': err }]), 'relay_down');
  const view = await textOf('[data-testid="browser-view"]');
  assert.match(view, /What Firefox saw/i);
  assert.match(view, /Protocol\s+TLSv1\.3/);
  assert.match(view, /Cipher\s+TLS_(AES|CHACHA20)_\w+/);
  assert.match(view, /Group\s+\S+/);
  assert.match(view, /CN=good\.zoo\.test/);
  assert.match(view, /CN=TLS Lens Zoo Intermediate/);
  assert.match(view, /CN=TLS Lens Zoo Root/);
  assert.match(view, /until \d{4}-\d\d-\d\d \d\d:\d\d UTC/, 'validity as the relay view shows it');
  assert.match(view, /State\s+secure/);
  assert.ok(view.includes(sha256(derOf(certs.cert('good')))), 'the leaf fingerprint');
  assert.match(view, /Partial grade: from Firefox’s one connection only/);
  const partial = (await textOf('[data-testid="partial-grade"]')).trim();
  assert.match(partial, /^([A-F][+-]?|T|M)$/, `a grade letter, got ${JSON.stringify(partial)}`);
  assert.equal((await s.findAll('[data-testid="leaf-mismatch"]')).length, 0);
});

// ensureRelay() may have to build the relay (cargo build --release) first.
test('with the relay: same leaf → a match; another leaf → leaf-mismatch', { ...opts, timeout: 900_000 }, async () => {
  const s = ff.session;
  const url = `https://good.zoo.test:${ports.good}/`;
  ensureRelay();
  // A second server with another certificate for the same name, where the
  // relay (but not Firefox) connects: what a middlebox would look like.
  await startTlsServer({ host: '127.0.0.2', port: ports.good, cert: certs.cert('multi'), key: certs.key('multi'), chain: certs.inter });
  const same = await startRelay(['--allow-private', '--ca-file', certs.root, '--resolve', `good.zoo.test:${ports.good}:127.0.0.1`]);
  const other = await startRelay(['--allow-private', '--ca-file', certs.root, '--resolve', `good.zoo.test:${ports.good}:127.0.0.2`]);
  const use = (relayUrl) => inExtension(`
    await browser.storage.local.set({ settings: { relayUrl: args[0], token: "", cacheMinutes: 10 } });
    const all = await browser.storage.local.get(null);
    await browser.storage.local.remove(Object.keys(all).filter((k) => k.startsWith('result:')));`, [relayUrl]);

  await use(same.url);
  await openPopup(url, pageTabId);
  await shot('firefox-popup-relay.png');
  assert.equal((await s.findAll('[data-testid="error"]')).length, 0, `no error; got: ${await s.findAll('[data-testid="error"]').then((l) => l.length ? textOf('[data-testid="error"]') : '')}`);
  assert.match(await textOf('[data-testid="grade"]'), /\S/);
  const view = await textOf('[data-testid="browser-view"]');
  assert.match(view, /Firefox received the same certificate as the relay/);
  assert.equal((await s.findAll('[data-testid="leaf-mismatch"]')).length, 0);
  assert.equal((await s.findAll('[data-testid="partial-grade"]')).length, 0, 'no partial grade beside a full one');

  await use(other.url);
  await openPopup(url, pageTabId);
  await shot('firefox-popup-mismatch.png');
  const mismatch = await textOf('[data-testid="leaf-mismatch"]');
  assert.match(mismatch, /not the one the relay received/);
  assert.ok(mismatch.includes(sha256(derOf(certs.cert('good')))), 'Firefox’s leaf');
  assert.ok(mismatch.includes(sha256(derOf(certs.cert('multi')))), 'the relay’s leaf');
});
