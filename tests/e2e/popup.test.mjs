// The popup end to end: real zoo TLS servers (openssl s_server, certificates
// made now), the real relay (target/release/tlslens-relay serve), the built
// extension in Debian's headless Chromium. Screenshots go to test-artifacts/.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchExtension, ARTIFACTS } from './browser.mjs';
import { makeCerts, startTlsServer, startRelay, ensureRelay, freePort, stopAll } from './zoo.mjs';

const FILE_TIMEOUT_MS = 300_000;
// Build the relay first when it is missing (minutes on a cold target/), so
// the build does not count against the browser tests' time limits.
ensureRelay();
const watchdog = setTimeout(() => {
  console.error('popup e2e: still running after the file timeout, giving up');
  stopAll().finally(() => process.exit(1));
}, FILE_TIMEOUT_MS + 30_000);
watchdog.unref();

const shot = (name) => path.join(ARTIFACTS, name);

describe('popup against the zoo and the real relay', { timeout: FILE_TIMEOUT_MS }, () => {
  let browser;
  let relay;
  let lockedRelay;
  let certDir;
  const ports = {};
  const TOKEN = 'e2e-secret-token';

  before(async () => {
    certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlslens-zoo-'));
    const c = makeCerts(certDir);
    for (const name of ['good', 'expired', 'self', 'incomplete', 'multi', 'dead']) ports[name] = await freePort();
    await startTlsServer({ port: ports.good, cert: c.cert('good'), key: c.key('good'), chain: c.inter });
    await startTlsServer({ port: ports.expired, cert: c.cert('expired'), key: c.key('expired'), chain: c.inter });
    await startTlsServer({ port: ports.self, cert: c.cert('self'), key: c.key('self') });
    await startTlsServer({ port: ports.incomplete, cert: c.cert('incomplete'), key: c.key('incomplete') });
    await startTlsServer({ host: '127.0.0.1', port: ports.multi, cert: c.cert('multi'), key: c.key('multi'), chain: c.inter });
    await startTlsServer({ host: '127.0.0.2', port: ports.multi, cert: c.cert('multiexp'), key: c.key('multiexp'), chain: c.inter });
    const resolve = (name, addrs = '127.0.0.1') => ['--resolve', `${name}.zoo.test:${ports[name]}:${addrs}`];
    relay = await startRelay(['--allow-private', '--ca-file', c.root,
      ...resolve('good'), ...resolve('expired'), ...resolve('self'), ...resolve('incomplete'),
      ...resolve('multi', '127.0.0.1,127.0.0.2'), ...resolve('dead')]);
    // A relay as one exposed to others would run: a token, no private targets.
    lockedRelay = await startRelay(['--token', TOKEN, '--resolve', `good.zoo.test:${ports.good}:127.0.0.1`]);
    browser = await launchExtension({ viewport: { width: 400, height: 600 } });
  });

  after(async () => {
    await browser?.close();
    await stopAll();
    if (certDir) fs.rmSync(certDir, { recursive: true, force: true });
  });

  // Writes settings (and optionally clears cached results) from an extension page.
  async function configure(settings, { clearCache = false } = {}) {
    const page = await browser.context.newPage();
    try {
      await page.goto(`chrome-extension://${browser.extensionId}/options/options.html`);
      await page.waitForSelector('html[data-ready="true"]');
      await page.evaluate(async ({ settings, clearCache }) => {
        const got = await chrome.storage.local.get(null);
        if (clearCache) await chrome.storage.local.remove(Object.keys(got).filter((k) => k.startsWith('result:')));
        await chrome.storage.local.set({ settings: { relayUrl: '', token: '', cacheMinutes: 10, ...settings } });
      }, { settings, clearCache });
    } finally {
      await page.close();
    }
  }

  const useRelay = (extra = {}, opts) => configure({ relayUrl: relay.url, ...extra }, opts);

  // Opens the popup for url and waits until it has finished (result or error).
  async function openPopup(url, { extraQuery = '', dark = false } = {}) {
    const page = await browser.context.newPage();
    if (dark) await page.emulateMedia({ colorScheme: 'dark' });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const t0 = Date.now();
    await page.goto(`chrome-extension://${browser.extensionId}/popup/popup.html?url=${encodeURIComponent(url)}${extraQuery}`);
    await page.waitForSelector('html[data-done="true"]', { timeout: 60_000 });
    page.elapsed = Date.now() - t0;
    assert.deepEqual(errors, [], `script errors in the popup: ${errors.join('; ')}`);
    return page;
  }

  const text = async (page, id) => (await page.getByTestId(id).first().textContent()).trim();
  const count = (page, id) => page.getByTestId(id).count();
  const codes = (page, id) => page.getByTestId(id).evaluateAll((els) => els.map((e) => e.dataset.code));
  async function noError(page) {
    assert.equal(await count(page, 'error'), 0, `unexpected error: ${await page.getByTestId('error').allTextContents()}`);
  }

  test('a good site with a private CA: grade A, full chain, one endpoint', async () => {
    await useRelay({}, { clearCache: true });
    const page = await openPopup(`https://good.zoo.test:${ports.good}/`);
    try {
      await noError(page);
      assert.match(await text(page, 'grade'), /^A/);
      assert.equal(await text(page, 'host'), `good.zoo.test:${ports.good}`);
      assert.equal(await count(page, 'endpoint'), 1);
      assert.equal(await page.getByTestId('endpoint').first().getAttribute('data-ip'), '127.0.0.1');
      const certs = page.getByTestId('cert');
      assert.equal(await certs.count(), 3, 'leaf, intermediate (sent) and the root (from the store)');
      assert.deepEqual(await certs.evaluateAll((els) => els.map((e) => `${e.dataset.role}/${e.dataset.source}`)),
        ['leaf/sent', 'intermediate/sent', 'root/root_store']);
      assert.match(await certs.first().textContent(), /CN=good\.zoo\.test/);
      assert.match(await certs.first().textContent(), /good\.zoo\.test/);
      assert.match(await text(page, 'days-left'), /^(9|10) days left$/);
      assert.match(await text(page, 'verify'), /\b0\b.*ok/);
      assert.equal(await count(page, 'cap'), 0);
      assert.match(await page.locator('.summary-label').textContent(), /server’s TLS configuration/);
      assert.ok(await page.getByTestId('chain').isVisible());
      // Every known weakness, one line each, "not tested" apart from "not vulnerable":
      // the active probes' verdicts and the weaknesses derived from the facts.
      const weaknesses = await page.getByTestId('weakness').evaluateAll((els) => Object.fromEntries(els.map((e) => [e.dataset.code, e.dataset.status])));
      assert.equal(Object.keys(weaknesses).length, 17, JSON.stringify(weaknesses));
      const line = (code) => page.locator(`[data-testid="weakness"][data-code="${code}"]`).textContent();
      for (const code of ['heartbleed', 'robot', 'poodle_tls', 'rc4']) {
        assert.equal(weaknesses[code], 'not_vulnerable', await line(code));
      }
      assert.match(await page.getByTestId('weakness').filter({ hasText: 'ROBOT' }).textContent(), /not vulnerable ROBOT — /);
      assert.match(await page.getByTestId('protocol-details').textContent(), /Downgrade sentinel.*SCTs/s);
      await page.screenshot({ path: shot('popup-good.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  test('popup-to-grade time on a warm relay cache (target ≤ 300 ms)', async () => {
    const url = `https://good.zoo.test:${ports.good}/`;
    const relayWarm = [];
    const bothWarm = [];
    const inPage = []; // performance.now() at the grade's render, from the popup's navigation start
    for (let i = 0; i < 3; i += 1) {
      await useRelay({}, { clearCache: true }); // the relay still has it; the extension does not
      const page = await browser.context.newPage();
      const t0 = Date.now();
      await page.goto(`chrome-extension://${browser.extensionId}/popup/popup.html?url=${encodeURIComponent(url)}`);
      await page.getByTestId('grade').waitFor();
      relayWarm.push(Date.now() - t0);
      inPage.push(Number(await page.evaluate(() => document.documentElement.dataset.gradeMs)));
      await page.waitForSelector('html[data-done="true"]');
      await page.close();
      const again = await browser.context.newPage();
      const t1 = Date.now();
      await again.goto(`chrome-extension://${browser.extensionId}/popup/popup.html?url=${encodeURIComponent(url)}`);
      await again.getByTestId('grade').waitFor();
      bothWarm.push(Date.now() - t1);
      await again.close();
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(`# popup-to-grade, warm relay cache (stream + /v1/facts + WASM grade): ${relayWarm.join(', ')} ms, median ${median(relayWarm)} ms`);
    console.log(`# popup-to-grade, warm relay cache, measured in the page (navigation start → grade rendered): ${inPage.join(', ')} ms, median ${median(inPage)} ms`);
    console.log(`# popup-to-grade, cached in the extension too: ${bothWarm.join(', ')} ms, median ${median(bothWarm)} ms`);
    fs.writeFileSync(shot('popup-timing.json'), `${JSON.stringify({ relayWarmMs: relayWarm, relayWarmInPageMs: inPage, extensionCachedMs: bothWarm, targetMs: 300 }, null, 2)}\n`);
    assert.ok(median(relayWarm) <= 1500, `popup-to-grade took ${median(relayWarm)} ms`);
  });

  test('an expired certificate: grade T, the expiry cap and days left', async () => {
    const page = await openPopup(`https://expired.zoo.test:${ports.expired}/`);
    try {
      await noError(page);
      assert.equal(await text(page, 'grade'), 'T');
      assert.ok((await codes(page, 'cap')).includes('expired'), `caps: ${await codes(page, 'cap')}`);
      assert.match(await text(page, 'days-left'), /expired/);
      assert.match(await page.getByTestId('cert').first().textContent(), /expired/);
      const cap = page.getByTestId('cap').first();
      assert.ok((await cap.locator('.reason').textContent()).length > 10);
      await cap.locator('summary').click();
      assert.ok(await cap.locator('.fix p').isVisible(), 'the fix hint opens');
      await page.screenshot({ path: shot('popup-expired.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  test('a self-signed certificate: grade T, one certificate, verify code 18', async () => {
    const page = await openPopup(`https://self.zoo.test:${ports.self}/`, { dark: true });
    try {
      await noError(page);
      assert.equal(await text(page, 'grade'), 'T');
      assert.ok((await codes(page, 'cap')).includes('self_signed'));
      assert.equal(await count(page, 'cert'), 1);
      assert.match(await text(page, 'verify'), /\b18\b/);
      await page.screenshot({ path: shot('popup-self-signed-dark.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  test('an incomplete chain: the missing link is drawn after the leaf', async () => {
    const page = await openPopup(`https://incomplete.zoo.test:${ports.incomplete}/`);
    try {
      await noError(page);
      assert.equal(await text(page, 'grade'), 'T');
      assert.equal(await count(page, 'missing-link'), 1);
      assert.match(await text(page, 'missing-link'), /TLS Lens Zoo Intermediate/);
      assert.match(await text(page, 'verify'), /\b(20|21)\b/);
      await page.screenshot({ path: shot('popup-incomplete.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  test('two endpoints that disagree: both listed, with a warning; each one selectable', async () => {
    const page = await openPopup(`https://multi.zoo.test:${ports.multi}/`);
    try {
      await noError(page);
      assert.equal(await text(page, 'grade'), 'T', 'the worst endpoint grade');
      assert.equal(await count(page, 'endpoint'), 2);
      const ips = await page.getByTestId('endpoint').evaluateAll((els) => els.map((e) => e.dataset.ip));
      assert.deepEqual([...ips].sort(), ['127.0.0.1', '127.0.0.2']);
      assert.match(await text(page, 'endpoints-disagree'), /do not agree/);
      const grades = await page.locator('.endpoint .chip').allTextContents();
      assert.ok(grades.some((g) => g.startsWith('A')) && grades.includes('T'), `endpoint grades ${grades}`);
      // Keyboard: focus the other endpoint and press Enter; its chain shows.
      const other = page.locator('.endpoint:not(.selected) button');
      await other.focus();
      await page.keyboard.press('Enter');
      assert.equal(await page.locator('.endpoint.selected').count(), 1);
      await page.screenshot({ path: shot('popup-endpoints-disagree.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  test('an unreachable site: a clear error', async () => {
    const page = await openPopup(`https://dead.zoo.test:${ports.dead}/`);
    try {
      assert.equal(await count(page, 'error'), 1);
      const kind = await page.getByTestId('error').getAttribute('data-kind');
      assert.ok(['unreachable', 'timeout'].includes(kind), `error kind ${kind}: ${await text(page, 'error')}`);
      assert.match(await text(page, 'error'), /could not|did not answer/i);
      await page.screenshot({ path: shot('popup-unreachable.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  test('the relay is down: the error gives the command that starts it', async () => {
    const closed = await freePort();
    await configure({ relayUrl: `http://127.0.0.1:${closed}` }, { clearCache: true });
    const page = await openPopup(`https://good.zoo.test:${ports.good}/`);
    try {
      assert.equal(await page.getByTestId('error').getAttribute('data-kind'), 'relay_down');
      assert.match(await text(page, 'error'), /not running/);
      assert.equal(await text(page, 'error-command'), 'tlslens-relay serve');
      assert.match(await text(page, 'error'), /npm start/);
      assert.equal(await count(page, 'grade'), 0);
      await page.screenshot({ path: shot('popup-relay-down.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  test('a relay that needs a token (401) and one that refuses private targets (403)', async () => {
    await configure({ relayUrl: lockedRelay.url }, { clearCache: true });
    let page = await openPopup(`https://good.zoo.test:${ports.good}/`);
    try {
      assert.equal(await page.getByTestId('error').getAttribute('data-kind'), 'unauthorized');
      assert.match(await text(page, 'error'), /token/i);
      assert.match(await text(page, 'error'), /options/i);
      await page.screenshot({ path: shot('popup-401.png'), fullPage: true });
    } finally {
      await page.close();
    }
    await configure({ relayUrl: lockedRelay.url, token: TOKEN });
    page = await openPopup(`https://good.zoo.test:${ports.good}/`);
    try {
      assert.equal(await page.getByTestId('error').getAttribute('data-kind'), 'refused');
      assert.match(await text(page, 'error'), /--allow-private/);
      await page.screenshot({ path: shot('popup-403.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  test('plain-HTTP and browser-internal pages are explained', async () => {
    await useRelay();
    for (const [url, kind] of [['http://good.zoo.test/', 'plain_http'], ['chrome://settings/', 'internal'], ['about:blank', 'internal'], ['moz-extension://x/popup.html', 'internal']]) {
      const page = await openPopup(url);
      try {
        assert.equal(await page.getByTestId('error').getAttribute('data-kind'), kind, url);
        if (kind === 'plain_http') {
          assert.match(await text(page, 'error'), /plain HTTP/);
          await page.screenshot({ path: shot('popup-plain-http.png'), fullPage: true });
        }
      } finally {
        await page.close();
      }
    }
  });

  test('a cached result shows at once; Rescan scans again with progress', async () => {
    await useRelay();
    const url = `https://good.zoo.test:${ports.good}/`;
    (await openPopup(url)).close();
    const page = await openPopup(url);
    try {
      assert.match(await text(page, 'status'), /Cached result/);
      assert.match(await page.locator('.summary').textContent(), /cached result/);
      await page.getByTestId('rescan').click();
      await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('Scanned'), null, { timeout: 60_000 });
      assert.match(await text(page, 'grade'), /^A/);
      assert.doesNotMatch(await page.locator('.summary').textContent(), /cached result/);
    } finally {
      await page.close();
    }
  });

  test('the badge shows the grade on the tab that was inspected', async () => {
    await useRelay();
    const tab = await browser.context.newPage();
    await tab.goto(`chrome-extension://${browser.extensionId}/options/options.html`);
    const tabId = await tab.evaluate(async () => (await chrome.tabs.getCurrent()).id);
    assert.ok(Number.isInteger(tabId));
    const page = await openPopup(`https://expired.zoo.test:${ports.expired}/`, { extraQuery: `&tab=${tabId}` });
    try {
      const badge = await browser.worker.evaluate((id) => chrome.action.getBadgeText({ tabId: id }), tabId);
      assert.equal(badge, 'T');
      const stored = await browser.worker.evaluate((id) => chrome.storage.session.get(`tab:${id}`), tabId);
      assert.equal(stored[`tab:${tabId}`].grade, 'T');
    } finally {
      await page.close();
      await tab.close();
    }
  });

  test('options: test connection, privacy note, cache lifetime', async () => {
    await useRelay();
    const page = await browser.context.newPage();
    try {
      await page.goto(`chrome-extension://${browser.extensionId}/options/options.html`);
      await page.waitForSelector('html[data-ready="true"]');
      assert.equal(await page.getByTestId('relay-url').inputValue(), relay.url);
      assert.equal(await text(page, 'privacy'), 'The host name and port go to the relay you choose; nothing else leaves the browser.');
      await page.getByTestId('test-connection').click();
      await page.waitForFunction(() => document.getElementById('message').textContent.startsWith('✓'));
      await page.getByTestId('cache-minutes').fill('5');
      // A custom relay URL asks for its host permission; headless Chromium
      // cannot answer the prompt, so the request is recorded and granted here.
      await page.evaluate(() => {
        window.requested = [];
        chrome.permissions.contains = async () => false;
        chrome.permissions.request = async (p) => { window.requested.push(...p.origins); return true; };
      });
      await page.getByTestId('save').click();
      await page.waitForFunction(() => document.getElementById('message').textContent.startsWith('Saved'));
      const saved = await page.evaluate(async () => (await chrome.storage.local.get('settings')).settings);
      assert.equal(saved.cacheMinutes, 5);
      assert.deepEqual(await page.evaluate(() => window.requested), ['http://127.0.0.1/*']);
      await page.getByTestId('relay-url').fill(`http://127.0.0.1:${await freePort()}`);
      await page.getByTestId('test-connection').click();
      await page.waitForFunction(() => document.getElementById('message').textContent.startsWith('✗'));
      assert.match(await text(page, 'options-status'), /tlslens-relay serve/);
      await page.screenshot({ path: shot('options.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });
});
