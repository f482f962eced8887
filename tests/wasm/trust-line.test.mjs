// The popup's root-store line: `chain.trust` from a hand-made report, summed up
// by the built WASM core (trust_summary) through the renderer's helper, as the
// popup does it. Reports without `chain.trust` (cores before the per-store
// validator) show no line.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadCore, callWithNow, ROOT, WASM_DIR } from './core.mjs';
import { trustSummary } from '../../extension/src/render-chain.js';

const STORES = ['mozilla', 'microsoft', 'android-4.4', 'android-7', 'android-8', 'android-9',
  'android-10', 'android-11', 'android-12', 'android-13', 'android-14', 'android-15', 'java'];

// A report as the core writes it, with `trusted` per store id.
function report(trustedIds) {
  return {
    schema: 'tlslens.report/1',
    endpoints: [{
      ip: '127.0.0.1',
      chain: {
        verify_code: 0,
        trusted: true,
        issues: [],
        trust: STORES.map((store) => ({ store, trusted: trustedIds.includes(store) })),
        certificates: [],
      },
    }],
  };
}

let core;
before(async () => {
  core = await loadCore();
});

describe('root-store line', () => {
  test('the module has its root stores loaded', () => {
    assert.equal(core.root_stores_loaded(), true);
  });

  test('says where Android trust starts and who does not trust', () => {
    const trusted = STORES.filter((s) => !['android-4.4', 'android-7', 'java'].includes(s));
    const s = trustSummary(report(trusted).endpoints[0].chain, core);
    assert.equal(s.text, 'Trusted by Mozilla, Microsoft, Android ≥ 8 · not by Android ≤ 7.0, Java');
    assert.deepEqual(s.trusted, ['Mozilla', 'Microsoft', 'Android ≥ 8']);
    assert.deepEqual(s.untrusted, ['Android ≤ 7.0', 'Java']);
  });

  test('a root only old Android kept', () => {
    const trusted = STORES.filter((s) => /^android-(4\.4|7|8|9|10|11|12|13)$/.test(s));
    assert.equal(trustSummary(report(trusted).endpoints[0].chain, core).text,
      'Trusted by Android ≤ 13 · not by Mozilla, Microsoft, Android ≥ 14, Java');
  });

  test('unanimous verdicts', () => {
    assert.equal(trustSummary(report(STORES).endpoints[0].chain, core).text, 'Trusted by Mozilla, Microsoft, Android, Java');
    const custom = { trust: [{ store: 'mozilla', trusted: false }, { store: 'custom', trusted: true }] };
    assert.equal(trustSummary(custom, core).text, 'Trusted by Custom · not by Mozilla');
  });

  test('no line without chain.trust, without a core, or with a store id this core does not know', () => {
    const chain = report(STORES).endpoints[0].chain;
    const { trust, ...withoutTrust } = chain;
    assert.ok(trust.length > 0);
    assert.equal(trustSummary(withoutTrust, core), null);
    assert.equal(trustSummary({ ...chain, trust: [] }, core), null);
    assert.equal(trustSummary(null, core), null);
    assert.equal(trustSummary(chain, null), null);
    const warn = console.warn;
    console.warn = () => {};
    try {
      assert.equal(trustSummary({ trust: [{ store: 'apple-ios', trusted: true }] }, core), null);
    } finally {
      console.warn = warn;
    }
  });

  test('a fresh module trusts no root until root-stores.bin is loaded', async () => {
    // A second instance of the glue (its own module record), not yet given the file.
    const fresh = await import(`${pathToFileURL(path.join(WASM_DIR, 'tlslens_core.js')).href}?fresh`);
    fresh.initSync({ module: fs.readFileSync(path.join(WASM_DIR, 'tlslens_core_bg.wasm')) });
    assert.equal(fresh.root_stores_loaded(), false);
    // The module compiles no root in (the 512 KiB budget): before the file, a
    // chain to a Mozilla root has no anchor; after it, the same facts grade as
    // in the loaded module — the roots were not cached empty.
    // The fixture's leaf is a Mozilla root served for another name: a plain
    // self-signed certificate to a module that does not know the root.
    const fixture = (ext) => path.join(ROOT, 'wasm-core/tests/fixtures/parity', `mozilla_root${ext}`);
    const facts = fs.readFileSync(fixture('.facts.json'), 'utf8');
    const committed = fs.readFileSync(fixture('.report.json'), 'utf8');
    const nowMs = Date.parse(JSON.parse(committed).graded_at);
    const grade = (c) => callWithNow(c.grade, [facts], nowMs);
    assert.ok(JSON.parse(grade(fresh)).endpoints[0].chain.issues.includes('self_signed'));
    assert.ok(!JSON.parse(committed).endpoints[0].chain.issues.includes('self_signed'));
    fresh.load_root_stores(fs.readFileSync(path.join(WASM_DIR, 'root-stores.bin')));
    assert.equal(fresh.root_stores_loaded(), true);
    assert.equal(grade(fresh), committed);
    assert.equal(grade(core), committed);
  });

  test('load_root_stores refuses other bytes', () => {
    assert.throws(() => core.load_root_stores(new Uint8Array([1, 2, 3])), /root-stores\.bin/);
  });
});
