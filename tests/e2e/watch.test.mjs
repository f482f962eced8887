// The extension's watchlist end to end: zoo servers (a certificate that
// expires in 10 days, a healthy one), the real relay, the built extension in
// headless Chromium. Sites are watched through the popup's toggle, the real
// alarm handler runs (a `watch-now` alarm created from an extension page),
// and the notifications (observed by wrapping chrome.notifications.create in
// the service worker, which still calls the real one) and the stored state
// are checked; a second round raises nothing new. Then a grade drop (the
// healthy site swapped for a self-signed certificate on the same port), an
// outage, a relay that is down, and the options page's list.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchExtension, ARTIFACTS } from './browser.mjs';
import { makeWatchCerts, startTlsServer, startRelay, ensureRelay, freePort, stopAll, stopOne } from './zoo.mjs';

const FILE_TIMEOUT_MS = 300_000;
ensureRelay();
const watchdog = setTimeout(() => {
  console.error('watch e2e: still running after the file timeout, giving up');
  stopAll().finally(() => process.exit(1));
}, FILE_TIMEOUT_MS + 30_000);
watchdog.unref();

describe('watchlist: alarms, notifications, stored state', { timeout: FILE_TIMEOUT_MS }, () => {
  let browser;
  let relay;
  let certs;
  let certDir;
  let healthyServer;
  const ports = {};
  const key = (name) => `${name}.watch.test:${ports[name]}`;
  const url = (name) => `https://${key(name)}/`;

  before(async () => {
    certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlslens-watch-'));
    certs = makeWatchCerts(certDir);
    ports.soon = await freePort();
    ports.healthy = await freePort();
    await startTlsServer({ port: ports.soon, cert: certs.cert('soon'), key: certs.key('soon'), chain: certs.inter });
    healthyServer = await startTlsServer({ port: ports.healthy, cert: certs.cert('healthy'), key: certs.key('healthy'), chain: certs.inter });
    // No report cache (each round sees the server as it is now; the real
    // default is 5 min, far below the watch interval) and no per-client rate
    // limit (the test runs many rounds a minute).
    relay = await startRelay(['--allow-private', '--ca-file', certs.root, '--cache-ttl', '0', '--rate-per-minute', '0',
      '--resolve', `soon.watch.test:${ports.soon}:127.0.0.1`,
      '--resolve', `healthy.watch.test:${ports.healthy}:127.0.0.1`]);
    browser = await launchExtension({ viewport: { width: 720, height: 700 } });
    await configure({ relayUrl: relay.url });
  });

  after(async () => {
    await browser?.close();
    await stopAll();
    if (certDir) fs.rmSync(certDir, { recursive: true, force: true });
  });

  // Runs fn(arg) in an extension page (chrome.* available), then closes it.
  async function inExtension(fn, arg) {
    const page = await browser.context.newPage();
    try {
      await page.goto(`chrome-extension://${browser.extensionId}/options/options.html`);
      await page.waitForSelector('html[data-ready="true"]');
      return await page.evaluate(fn, arg);
    } finally {
      await page.close();
    }
  }

  const configure = (settings) => inExtension(async (s) => {
    await chrome.storage.local.set({ settings: { token: '', cacheMinutes: 10, ...s } });
  }, settings);

  const stored = () => inExtension(() => chrome.storage.local.get(['watchlist', 'watchRun']));

  // The current service worker (it may have been restarted since launch).
  function worker() {
    const sw = browser.context.serviceWorkers().find((w) => w.url().startsWith(`chrome-extension://${browser.extensionId}/`));
    assert.ok(sw, 'the extension has no service worker');
    return sw;
  }

  // Records every notification the worker creates (and still shows it).
  async function observeNotifications() {
    await worker().evaluate(() => {
      if (self.__tlslensNotes) return;
      self.__tlslensNotes = [];
      const real = chrome.notifications.create.bind(chrome.notifications);
      chrome.notifications.create = (id, options) => {
        self.__tlslensNotes.push({ id, ...options });
        return real(id, options);
      };
    });
  }
  const notes = () => worker().evaluate(() => self.__tlslensNotes.splice(0));

  // Fires the real alarm handler through a one-shot `watch-now` alarm and
  // waits until the round it started has finished.
  async function runAlarm() {
    await observeNotifications();
    const t0 = Date.now();
    await inExtension(() => chrome.alarms.create('watch-now', { when: Date.now() + 50 }));
    const deadline = Date.now() + 90_000;
    for (;;) {
      const { watchRun } = await inExtension(() => chrome.storage.local.get('watchRun')).catch(() => ({}));
      if (watchRun?.startedAt >= t0 && watchRun.finishedAt >= watchRun.startedAt) return watchRun;
      assert.ok(Date.now() < deadline, `the watch round did not finish: ${JSON.stringify(watchRun)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async function watchViaPopup(name, { keyboard = false } = {}) {
    const page = await browser.context.newPage();
    try {
      await page.goto(`chrome-extension://${browser.extensionId}/popup/popup.html?url=${encodeURIComponent(url(name))}`);
      await page.waitForSelector('html[data-done="true"]', { timeout: 60_000 });
      const toggle = page.getByRole('switch', { name: 'Watch this site' });
      assert.equal(await toggle.isChecked(), false);
      if (keyboard) {
        await toggle.focus();
        await page.keyboard.press('Space');
      } else {
        await page.getByText('Watch this site', { exact: true }).click();
      }
      await page.waitForSelector('html[data-watched="true"]');
      assert.equal(await toggle.isChecked(), true);
      assert.match(await page.getByTestId('watch-help').textContent(), /Watched: re-checked every 12 h/);
      if (name === 'soon') await page.screenshot({ path: path.join(ARTIFACTS, 'popup-watch.png') });
    } finally {
      await page.close();
    }
  }

  test('the popup watches two sites (keyboard and click) and remembers it', async () => {
    await watchViaPopup('soon', { keyboard: true });
    await watchViaPopup('healthy');
    const { watchlist } = await stored();
    assert.deepEqual(Object.keys(watchlist).sort(), [key('healthy'), key('soon')].sort());
    assert.equal(watchlist[key('soon')].lastGrade, 'A', 'seeded with the popup result');
    assert.deepEqual(watchlist[key('soon')].alerts, {});
    // Opening the popup again shows the toggle on.
    const page = await browser.context.newPage();
    await page.goto(`chrome-extension://${browser.extensionId}/popup/popup.html?url=${encodeURIComponent(url('soon'))}`);
    await page.waitForSelector('html[data-done="true"]');
    assert.equal(await page.getByTestId('watch-toggle').isChecked(), true);
    await page.close();
    const alarm = await worker().evaluate(() => chrome.alarms.get('watch'));
    assert.equal(alarm?.periodInMinutes, 720, 'every 12 h by default');
  });

  test('the alarm checks both: one expiry notification (10 days → 14), stored state', async () => {
    const run = await runAlarm();
    assert.equal(run.checked, 2);
    const got = await notes();
    assert.equal(got.length, 1, `notifications: ${JSON.stringify(got)}`);
    const [n] = got;
    assert.ok(n.id.startsWith(`tlslens|${key('soon')}|expiry|`), n.id);
    assert.ok(n.id.endsWith('|14'), n.id);
    assert.match(n.title, new RegExp(`${key('soon').replace(/\./g, '\\.')}: certificate expires in (9|10) days`));
    assert.match(n.message, /Renew before \d{4}-\d\d-\d\d/);
    assert.match(n.message, /CN=soon\.watch\.test/);
    assert.equal(n.type, 'basic');
    const shown = await worker().evaluate(() => chrome.notifications.getAll());
    console.log(`# chrome.notifications.getAll(): ${JSON.stringify(Object.keys(shown))}`);

    const { watchlist } = await stored();
    const soon = watchlist[key('soon')];
    const healthy = watchlist[key('healthy')];
    assert.equal(soon.lastGrade, 'A');
    assert.ok(soon.daysLeft === 9 || soon.daysLeft === 10, `days left ${soon.daysLeft}`);
    assert.ok(soon.lastCheck >= run.startedAt);
    assert.equal(soon.lastError, null);
    const keys = Object.keys(soon.alerts);
    assert.equal(keys.length, 1);
    assert.match(keys[0], /^expiry\|[0-9a-f]{64}\|14$/);
    assert.equal(healthy.lastGrade, 'A');
    assert.ok(healthy.daysLeft >= 199, `healthy days left ${healthy.daysLeft}`);
    assert.deepEqual(healthy.alerts, {});
  });

  test('a second round raises nothing new', async () => {
    const before = (await stored()).watchlist;
    await runAlarm();
    assert.deepEqual(await notes(), []);
    const { watchlist } = await stored();
    assert.deepEqual(watchlist[key('soon')].alerts, before[key('soon')].alerts);
    assert.ok(watchlist[key('soon')].lastCheck > before[key('soon')].lastCheck);
  });

  test('a grade drop (self-signed on the same port) alerts once', async () => {
    await stopOne(healthyServer);
    healthyServer = await startTlsServer({ port: ports.healthy, cert: certs.cert('healthy-self'), key: certs.key('healthy-self') });
    await runAlarm();
    const got = await notes();
    assert.equal(got.length, 1, `notifications: ${JSON.stringify(got)}`);
    assert.ok(got[0].id.startsWith(`tlslens|${key('healthy')}|grade_drop|A|T|`), got[0].id);
    assert.match(got[0].title, /grade dropped from A to T/);
    assert.match(got[0].message, /Open TLS Lens/);
    const { watchlist } = await stored();
    assert.equal(watchlist[key('healthy')].lastGrade, 'T');
    await runAlarm();
    assert.deepEqual(await notes(), [], 'the same drop is not raised twice');
  });

  test('a site that stops answering alerts once per outage', async () => {
    await stopOne(healthyServer);
    await runAlarm();
    const got = await notes();
    assert.equal(got.length, 1, `notifications: ${JSON.stringify(got)}`);
    assert.match(got[0].title, new RegExp(`${key('healthy').replace(/\./g, '\\.')} could not be checked`));
    assert.match(got[0].message, /Check that the server is up/);
    let { watchlist } = await stored();
    const h = watchlist[key('healthy')];
    assert.ok(['unreachable', 'timeout'].includes(h.lastError?.kind), JSON.stringify(h.lastError));
    assert.equal(h.lastGrade, 'T', 'the last grade is kept');
    assert.ok(h.outageSince);
    await runAlarm();
    assert.deepEqual(await notes(), []);
    ({ watchlist } = await stored());
    assert.equal(watchlist[key('healthy')].outageSince, h.outageSince);
  });

  test('the relay down: one notification for the list, once', async () => {
    const closed = await freePort();
    await configure({ relayUrl: `http://127.0.0.1:${closed}` });
    await runAlarm();
    const got = await notes();
    assert.equal(got.length, 1, `notifications: ${JSON.stringify(got)}`);
    assert.ok(got[0].id.startsWith('tlslens|relay|'), got[0].id);
    assert.match(got[0].title, /2 watched sites could not be checked/);
    assert.match(got[0].message, /tlslens-relay serve/);
    await runAlarm();
    assert.deepEqual(await notes(), []);
    const { watchlist, watchRun } = await stored();
    assert.equal(watchlist[key('soon')].lastError.kind, 'relay_down');
    assert.ok(watchRun.relayOutage?.notified);
    await configure({ relayUrl: relay.url });
    await runAlarm();
    const back = await stored();
    assert.equal(back.watchRun.relayOutage, null);
    assert.equal(back.watchlist[key('soon')].lastError, null);
    assert.deepEqual(await notes(), [], 'the soon certificate was already announced');
  });

  test('options: the list with grade, days left and last check; interval; remove one', async () => {
    const page = await browser.context.newPage();
    try {
      await page.goto(`chrome-extension://${browser.extensionId}/options/options.html`);
      await page.waitForSelector('html[data-ready="true"]');
      const rows = page.getByTestId('watch-row');
      assert.equal(await rows.count(), 2);
      const soon = page.locator(`[data-testid="watch-row"][data-key="${key('soon')}"]`);
      assert.equal((await soon.getByTestId('watch-grade').textContent()).trim(), 'A');
      assert.match(await soon.getByTestId('watch-days').textContent(), /^(9|10) days left/);
      assert.match(await soon.getByTestId('watch-checked').textContent(), /s ago|min ago/);
      const healthy = page.locator(`[data-testid="watch-row"][data-key="${key('healthy')}"]`);
      assert.match(await healthy.getByTestId('watch-checked').textContent(), /could not be reached|did not answer/);
      assert.equal(await page.getByTestId('watch-hours').inputValue(), '12');
      await page.screenshot({ path: path.join(ARTIFACTS, 'options-watchlist.png'), fullPage: true });

      // The interval: 6 h reschedules the alarm. (Saving asks for the relay's
      // host permission, which headless Chromium cannot answer: granted here.)
      await page.evaluate(() => {
        chrome.permissions.contains = async () => true;
      });
      await page.getByTestId('watch-hours').fill('6');
      await page.getByTestId('save').click();
      await page.waitForFunction(() => document.getElementById('message').textContent.startsWith('Saved'));
      const deadline = Date.now() + 10_000;
      let alarm;
      do {
        alarm = await worker().evaluate(() => chrome.alarms.get('watch'));
        if (alarm?.periodInMinutes === 360) break;
        await new Promise((r) => setTimeout(r, 100));
      } while (Date.now() < deadline);
      assert.equal(alarm?.periodInMinutes, 360);

      // Remove by keyboard.
      await page.getByRole('button', { name: `Stop watching ${key('healthy')}` }).focus();
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="watch-row"]').length === 1);
      assert.match(await page.getByTestId('watch-status').textContent(), /No longer watching/);
      const { watchlist } = await stored();
      assert.deepEqual(Object.keys(watchlist), [key('soon')]);

      // "Check all now" runs the same round through a message.
      await observeNotifications();
      await page.getByTestId('watch-check-now').click();
      await page.waitForFunction(() => /^(Checked|The check failed)/.test(document.querySelector('[data-testid="watch-status"]').textContent), null, { timeout: 60_000 });
      assert.match(await page.getByTestId('watch-status').textContent(), /^Checked 1 site\.$/);
      assert.deepEqual(await notes(), []);
    } finally {
      await page.close();
    }
  });
});
