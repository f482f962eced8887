// The unpacked extension (dist/chromium/, from `npm run build`) in a real
// headless Chromium: Debian's /usr/bin/chromium driven by playwright-core.
// No browser is ever downloaded. Screenshots go to test-artifacts/.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadCore } from '../wasm/core.mjs';
import { launchExtension, EXT_DIR, ARTIFACTS } from './browser.mjs';
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
  let extensionId;
  let close;
  let core;
  const pageErrors = [];

  before(async () => {
    core = await loadCore();
    ({ context, extensionId, close } = await launchExtension());
  });

  after(async () => {
    await close?.();
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
      // wasm/root-stores.bin (every root store) came with it.
      const storesLoaded = await page.evaluate(async () => (await (await import('/src/core.js')).loadCore()).root_stores_loaded());
      assert.equal(storesLoaded, true, 'the popup core has no root-stores.bin');
      // No relay runs for example.test here: any error must be about the
      // relay or the site, never about the core.
      for (const kind of await page.getByTestId('error').evaluateAll((els) => els.map((e) => e.dataset.kind))) {
        assert.notEqual(kind, 'core', 'the popup could not load the core');
      }
      assert.equal(await page.locator('h1').count(), 1);

      await page.screenshot({ path: path.join(ARTIFACTS, 'popup.png') });
      const unexpected = pageErrors.filter((e) => !/Failed to load resource|ERR_CONNECTION_REFUSED/.test(e));
      assert.deepEqual(unexpected, [], `errors in the popup: ${unexpected.join('; ')}`);
    } finally {
      await page.close();
    }
  });

  test('the chain section shows the root-store line only when the report has chain.trust', async () => {
    const page = await context.newPage();
    try {
      await page.goto(`chrome-extension://${extensionId}/popup/popup.html?url=ftp://example.test/`);
      await page.waitForSelector('html[data-ready="true"]', { timeout: 30_000 });
      const lines = await page.evaluate(async () => {
        const { loadCore } = await import('/src/core.js');
        const { renderChain } = await import('/src/render-chain.js');
        const core = await loadCore();
        const chain = {
          verify_code: 0, trusted: true, issues: [], certificates: [],
          trust: [
            { store: 'mozilla', trusted: true }, { store: 'android-7', trusted: false },
            { store: 'android-8', trusted: true }, { store: 'java', trusted: false },
          ],
        };
        const line = (c) => {
          const el = renderChain(c, { core }).querySelector('[data-testid="trust-stores"]');
          return el ? { text: el.textContent, kind: el.dataset.trust } : null;
        };
        const { trust, ...older } = chain;
        return { with: line(chain), without: line(older), noCore: renderChain(chain).querySelector('[data-testid="trust-stores"]') === null };
      });
      assert.deepEqual(lines.with, { text: 'Root stores: Trusted by Mozilla, Android 8 · not by Android 7.0, Java', kind: 'some' });
      assert.equal(lines.without, null);
      assert.equal(lines.noCore, true);
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
