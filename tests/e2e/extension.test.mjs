// The unpacked extension (dist/chromium/, from `npm run build`) in a real
// headless Chromium: Debian's /usr/bin/chromium driven by playwright-core.
// No browser is ever downloaded. Screenshots go to test-artifacts/.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, loadCore } from '../wasm/core.mjs';

const EXT_DIR = path.join(ROOT, 'dist', 'chromium');
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const FILE_TIMEOUT_MS = 180_000;

// A hard stop for the whole file, should Chromium hang in a way no promise
// notices. Playwright kills the browser it launched when this process exits.
const watchdog = setTimeout(() => {
  console.error(`extension e2e: still running after ${(FILE_TIMEOUT_MS + 30_000) / 1000}s, giving up`);
  process.exit(1);
}, FILE_TIMEOUT_MS + 30_000);
watchdog.unref();

describe('extension in headless Chromium', { timeout: FILE_TIMEOUT_MS }, () => {
  let context;
  let userDataDir;
  let extensionId;
  let core;
  const pageErrors = [];

  before(async () => {
    assert.ok(
      fs.existsSync(path.join(EXT_DIR, 'manifest.json')),
      'dist/chromium/manifest.json is missing: run `npm run build` first',
    );
    assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: bash scripts/ensure-tools.sh e2e installs Debian's chromium`);
    core = await loadCore();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlslens-e2e-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      // Playwright's own `headless` adds a plain --headless; extensions need
      // the new headless mode, so it is asked for explicitly below.
      headless: false,
      timeout: 60_000,
      viewport: { width: 420, height: 320 },
      args: [
        '--headless=new',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
        '--disable-quic',
        '--hide-scrollbars',
        '--mute-audio',
        `--disable-extensions-except=${EXT_DIR}`,
        `--load-extension=${EXT_DIR}`,
      ],
    });
    let [worker] = context.serviceWorkers();
    worker ??= await context.waitForEvent('serviceworker', { timeout: 30_000 });
    const url = new URL(worker.url());
    assert.equal(url.protocol, 'chrome-extension:', `unexpected service worker ${worker.url()}`);
    extensionId = url.host;
  });

  after(async () => {
    if (context) {
      await Promise.race([
        context.close().catch(() => {}),
        new Promise((resolve) => setTimeout(resolve, 15_000).unref()),
      ]);
    }
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
  });

  test('the service worker runs and sees the manifest', async () => {
    const [worker] = context.serviceWorkers().filter((w) => w.url().startsWith(`chrome-extension://${extensionId}/`));
    assert.ok(worker, 'the extension service worker is not running');
    const manifest = JSON.parse(fs.readFileSync(path.join(EXT_DIR, 'manifest.json'), 'utf8'));
    const seen = await worker.evaluate(() => chrome.runtime.getManifest().version);
    assert.equal(seen, manifest.version);
  });

  test('the popup loads the WASM core and shows the target host', async () => {
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(msg.text());
    });
    try {
      await page.goto(`chrome-extension://${extensionId}/popup/popup.html?url=https://example.test/`);
      await page.waitForSelector('html[data-ready="true"]', { timeout: 30_000 });

      const versionText = await page.getByTestId('core-version').textContent();
      assert.ok(
        versionText.includes(core.version()),
        `core-version shows ${JSON.stringify(versionText)}, expected it to contain ${core.version()}`,
      );
      assert.ok(
        versionText.includes(core.policy_id()),
        `core-version shows ${JSON.stringify(versionText)}, expected it to contain ${core.policy_id()}`,
      );
      assert.equal((await page.getByTestId('host').textContent()).trim(), 'example.test');
      assert.equal(await page.getByTestId('error').count(), 0,
        `the popup shows an error: ${await page.getByTestId('error').allTextContents()}`);
      assert.equal(await page.locator('h1').count(), 1);

      await page.screenshot({ path: path.join(ARTIFACTS, 'popup.png') });
      assert.deepEqual(pageErrors, [], `errors in the popup: ${pageErrors.join('; ')}`);
    } finally {
      await page.close();
    }
  });

  test('the popup explains a URL it cannot inspect', async () => {
    const page = await context.newPage();
    try {
      await page.goto(`chrome-extension://${extensionId}/popup/popup.html?url=ftp://example.test/`);
      await page.waitForSelector('html[data-ready="true"]', { timeout: 30_000 });
      const error = await page.getByTestId('error').textContent();
      assert.match(error, /ftp:/);
      await page.screenshot({ path: path.join(ARTIFACTS, 'popup-error.png') });
    } finally {
      await page.close();
    }
  });
});
