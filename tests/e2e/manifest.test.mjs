// The assembled manifests in dist/ (from `npm run build`): what each browser
// needs, and the permissions the extension is allowed to ask for.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../wasm/core.mjs';

const read = (browser) => {
  const file = path.join(ROOT, 'dist', browser, 'manifest.json');
  assert.ok(fs.existsSync(file), `dist/${browser}/manifest.json is missing: run \`npm run build\` first`);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
};

for (const browser of ['chromium', 'firefox']) {
  describe(`dist/${browser}/manifest.json`, () => {
    const m = read(browser);
    const dir = path.join(ROOT, 'dist', browser);

    test('is MV3 with the workspace version', () => {
      assert.equal(m.manifest_version, 3);
      assert.match(m.version, /^\d+\.\d+\.\d+$/);
    });

    test('asks for exactly the agreed permissions', () => {
      // Firefox also reads its own view of a connection (webRequest.getSecurityInfo,
      // which needs a blocking onHeadersReceived listener).
      const extra = browser === 'firefox' ? ['webRequest', 'webRequestBlocking'] : [];
      assert.deepEqual([...m.permissions].sort(), ['activeTab', 'alarms', 'notifications', 'storage', ...extra].sort());
      assert.deepEqual(m.host_permissions, ['http://127.0.0.1:8787/*']);
      assert.deepEqual([...m.optional_host_permissions].sort(), ['http://*/*', 'https://*/*']);
    });

    test('allows WebAssembly and nothing else remote', () => {
      assert.equal(m.content_security_policy.extension_pages, "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'");
    });

    test('has the popup, options page, icons and the WASM core', () => {
      assert.equal(m.action.default_popup, 'popup/popup.html');
      assert.equal(m.options_ui.page, 'options/options.html');
      assert.ok(fs.existsSync(path.join(dir, m.options_ui.page)));
      for (const f of [m.action.default_popup, ...Object.values(m.icons), 'wasm/tlslens_core.js', 'wasm/tlslens_core_bg.wasm']) {
        assert.ok(fs.existsSync(path.join(dir, f)), `dist/${browser}/${f} is missing`);
      }
      assert.deepEqual(Object.keys(m.icons).sort(), ['128', '16', '32', '48']);
    });

    test('carries no per-browser overlay files', () => {
      assert.deepEqual(fs.readdirSync(dir).filter((f) => /^manifest\..+\.json$/.test(f)), []);
    });

    if (browser === 'chromium') {
      test('has a module service worker', () => {
        assert.equal(m.background.service_worker, 'background/service-worker.js');
        assert.equal(m.background.type, 'module');
        assert.equal(m.background.scripts, undefined);
        assert.equal(m.browser_specific_settings, undefined);
      });
    } else {
      test('has module background scripts and a gecko id', () => {
        assert.deepEqual(m.background.scripts, ['background/service-worker.js']);
        assert.equal(m.background.type, 'module');
        assert.equal(m.background.service_worker, undefined);
        assert.match(m.browser_specific_settings.gecko.id, /^[^@\s]+@[^@\s]+$/);
        assert.deepEqual(m.browser_specific_settings.gecko.data_collection_permissions, { required: ['none'] });
      });
    }
  });
}
