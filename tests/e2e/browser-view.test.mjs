// The Firefox browser-view glue (extension/src/browser-view.js) in Node: a
// getSecurityInfo() answer → the record kept per tab → partial facts the
// WASM core grades, and the leaf comparison with a relay report. (Firefox
// itself is not driven here: see the extension notes.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCore } from '../wasm/core.mjs';
import { makeCerts } from './zoo.mjs';

// browser-view.js imports compat.js, which only reads globals: fine in Node.
const { recordFrom, partialFacts, compareLeaf } = await import('../../extension/src/browser-view.js');

const der = (pemFile) => Buffer.from(fs.readFileSync(pemFile, 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64');
const fingerprint = (buf) => crypto.createHash('sha256').update(buf).digest('hex').toUpperCase().match(/../g).join(':');

test('getSecurityInfo → partial facts → a partial grade; leaf comparison', async () => {
  const core = await loadCore();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlslens-bv-'));
  try {
    const c = makeCerts(dir);
    const chain = [c.cert('self')].map(der);
    const info = {
      state: 'secure',
      protocolVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      keaGroupName: 'x25519',
      signatureSchemeName: 'ECDSA-P256-SHA256',
      certificates: chain.map((d) => ({ subject: 'CN=self.zoo.test', issuer: 'CN=self.zoo.test', fingerprint: { sha256: fingerprint(d) }, validity: { start: 0, end: Date.now() + 864e5 }, rawDER: [...d] })),
    };
    const view = recordFrom({ url: 'https://self.zoo.test:8443/x', ip: '127.0.0.1' }, info);
    assert.equal(view.group, 'x25519');
    assert.equal(view.certificates[0].sha256, fingerprint(chain[0]).replace(/:/g, '').toLowerCase());
    const target = { hostname: 'self.zoo.test', port: 8443 };
    const facts = partialFacts(view, target);
    assert.equal(facts.endpoints[0].chain.certificates.length, 1);
    const report = JSON.parse(core.grade(JSON.stringify(facts), Date.now()));
    assert.equal(report.grade, 'T');
    assert.ok(report.endpoints[0].caps.some((cap) => cap.code === 'self_signed'));
    // The relay saw the same leaf: no flag; another leaf: flagged.
    assert.equal(compareLeaf(view, report).same, true);
    const other = structuredClone(report);
    other.endpoints[0].chain.certificates[0].sha256 = '00'.repeat(32);
    assert.equal(compareLeaf(view, other).same, false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a chain Firefox trusted up to a private root grades as trusted, not incomplete', async () => {
  const core = await loadCore();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlslens-bv-'));
  try {
    const c = makeCerts(dir);
    const built = [c.cert('good'), c.inter, c.root].map(der);
    const names = ['CN=good.zoo.test', 'CN=TLS Lens Zoo Intermediate', 'CN=TLS Lens Zoo Root'];
    const issuers = ['CN=TLS Lens Zoo Intermediate', 'CN=TLS Lens Zoo Root', 'CN=TLS Lens Zoo Root'];
    const info = (state) => ({
      state,
      protocolVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      keaGroupName: 'x25519',
      certificates: built.map((d, i) => ({ subject: names[i], issuer: issuers[i], fingerprint: { sha256: fingerprint(d) }, validity: { start: 0, end: Date.now() + 864e5 }, rawDER: [...d] })),
    });
    const target = { hostname: 'good.zoo.test', port: 8443 };
    const trusted = partialFacts(recordFrom({ url: 'https://good.zoo.test:8443/', ip: '127.0.0.1' }, info('secure')), target);
    assert.equal(trusted.endpoints[0].chain.certificates.length, 2, 'the root is not counted as sent');
    assert.equal(trusted.extra_anchors.length, 1, 'the root Firefox trusted is an anchor');
    const report = JSON.parse(core.grade(JSON.stringify(trusted), Date.now()));
    const chain = report.endpoints[0].chain;
    assert.equal(chain.trusted, true, JSON.stringify(chain.issues));
    assert.deepEqual(chain.issues, []);
    assert.notEqual(report.grade, 'T');
    // A connection Firefox did not accept does not lend its root any trust.
    const broken = partialFacts(recordFrom({ url: 'https://good.zoo.test:8443/', ip: '127.0.0.1' }, info('broken')), target);
    assert.deepEqual(broken.extra_anchors, []);
    assert.equal(JSON.parse(core.grade(JSON.stringify(broken), Date.now())).grade, 'T');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
