// Launches Debian's Chromium (never a downloaded one) through playwright-core
// with the unpacked extension from dist/chromium/ in a new temporary profile.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT } from '../wasm/core.mjs';

export const EXT_DIR = path.join(ROOT, 'dist', 'chromium');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export async function launchExtension({ viewport = { width: 420, height: 320 } } = {}) {
  assert.ok(fs.existsSync(path.join(EXT_DIR, 'manifest.json')), 'dist/chromium/manifest.json is missing: run `npm run build` first');
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: bash scripts/ensure-tools.sh e2e installs Debian's chromium`);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlslens-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    // Playwright's own `headless` adds a plain --headless; extensions need
    // the new headless mode, so it is asked for explicitly below.
    headless: false,
    timeout: 60_000,
    viewport,
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
  const close = async () => {
    await Promise.race([
      context.close().catch(() => {}),
      new Promise((resolve) => setTimeout(resolve, 15_000).unref()),
    ]);
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  return { context, worker, extensionId: url.host, close };
}
