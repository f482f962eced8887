// The popup's "How to fix" section (extension/src/render-fix.js) in Node, on a
// hand-made report, with the real WASM core's fix_plan: the goal select, one
// tab per server software, the snippet, copy, and the keyboard. A small fake
// DOM stands in for the browser's (the section only builds elements).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCore } from '../wasm/core.mjs';

class FakeNode {}
class FakeText extends FakeNode {
  constructor(text) { super(); this.text = text; this.parent = null; }
  get textContent() { return this.text; }
}
class FakeElement extends FakeNode {
  constructor(tag) {
    super();
    this.tagName = tag.toUpperCase();
    this.attributes = new Map();
    this.children = [];
    this.listeners = new Map();
    this.style = {};
    this.parent = null;
  }
  set className(v) { this.attributes.set('class', v); }
  get className() { return this.attributes.get('class') ?? ''; }
  setAttribute(k, v) { this.attributes.set(k, String(v)); }
  getAttribute(k) { return this.attributes.has(k) ? this.attributes.get(k) : null; }
  addEventListener(type, fn) { this.listeners.set(type, fn); }
  append(...items) {
    for (const c of items) {
      const node = c instanceof FakeNode ? c : new FakeText(String(c));
      node.parent = this;
      this.children.push(node);
    }
  }
  get value() { return this.attributes.get('value') ?? ''; }
  get textContent() { return this.children.map((c) => c.textContent).join(''); }
  fire(type, props = {}) {
    const ev = { currentTarget: this, preventDefault() { this.prevented = true; }, ...props };
    this.listeners.get(type)?.(ev);
    return ev;
  }
  all(testid) {
    const out = [];
    const walk = (n) => {
      if (!(n instanceof FakeElement)) return;
      if (n.getAttribute('data-testid') === testid) out.push(n);
      n.children.forEach(walk);
    };
    walk(this);
    return out;
  }
  one(testid) {
    const found = this.all(testid);
    assert.equal(found.length, 1, `expected one data-testid=${testid}, found ${found.length}`);
    return found[0];
  }
}
globalThis.Node = FakeNode;
globalThis.document = { createElement: (tag) => new FakeElement(tag) };

const { renderFix, fixPlan, fixGoals } = await import('../../extension/src/render-fix.js');
const core = await loadCore();

// A B server as the relay would report it: TLS 1.0 and 1.1 on, CBC and 3DES
// suites in its order, no HSTS.
function report({ protocols, tls12, hsts = null, grade = 'B', caps = [] }) {
  return {
    schema: 'tlslens.report/1',
    policy: core.policy_id(),
    target: { host: 'shop.example.test', port: 443 },
    graded_at: '2026-06-01T12:00:00Z',
    grade,
    endpoints_agree: true,
    differences: [],
    endpoints: [{
      ip: '192.0.2.10',
      grade,
      grade_trust_ignored: grade,
      score: { protocol: 95, key_exchange: 90, cipher: 60, total: 78 },
      caps,
      warnings: [],
      protocols,
      cipher_suites: {
        ...(protocols.includes('TLSv1.0') ? { 'TLSv1.0': ['TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'TLS_RSA_WITH_3DES_EDE_CBC_SHA'] } : {}),
        'TLSv1.2': tls12,
        'TLSv1.3': ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'],
      },
      server_cipher_order: { 'TLSv1.2': true },
      weak_cipher_suites: [],
      groups: ['x25519', 'secp256r1', 'secp384r1'],
      key_exchange: { dh_bits: null, ecdh_group: 'x25519', weakest_rsa_equivalent_bits: 2048 },
      chain: null,
      no_sni_chain_differs: false,
      hsts,
      ocsp_stapling: false,
      alpn: ['h2'],
      secure_renegotiation: true,
      fallback_scsv: true,
      compression: false,
      vulnerabilities: {},
      expiry: null,
    }],
  };
}

const B_REPORT = report({
  protocols: ['TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'],
  tls12: ['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_RSA_WITH_3DES_EDE_CBC_SHA'],
  caps: [{ grade: 'B', code: 'tls10_offered', reason: 'TLS 1.0 is offered (deprecated by RFC 8996).', fix: 'Offer only TLS 1.2 and TLS 1.3.' }],
});
const A_PLUS_REPORT = report({
  protocols: ['TLSv1.2', 'TLSv1.3'],
  tls12: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'],
  hsts: { max_age: 63072000, include_subdomains: true, preload: false, valid: true, raw: 'max-age=63072000; includeSubDomains' },
  grade: 'A+',
});

function section(rep, { goal = 'A+', software = 'nginx', calls = [] } = {}) {
  const plan = fixPlan(core, rep, rep.endpoints[0], goal);
  return renderFix(plan, {
    goals: fixGoals(core),
    goal,
    software,
    onGoal: (g) => calls.push(['goal', g]),
    onSoftware: (s, opts) => calls.push(['software', s, opts]),
    onCopy: (text) => calls.push(['copy', text]),
  });
}

test('a B server: what changes, and the nginx lines that make it A+', () => {
  const el = section(B_REPORT);
  assert.equal(el.getAttribute('data-goal'), 'A+');
  const changes = el.one('fix-changes').textContent;
  assert.match(changes, /Offer exactly TLSv1\.2 and TLSv1\.3 \(stop offering TLSv1\.0 and TLSv1\.1\)\./);
  assert.match(changes, /Remove 2 cipher suites: TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA and TLS_RSA_WITH_3DES_EDE_CBC_SHA\./);
  assert.match(changes, /Strict-Transport-Security: max-age=63072000/);
  const tabs = el.all('fix-tab');
  assert.deepEqual(tabs.map((t) => t.getAttribute('data-software')), ['nginx', 'apache', 'caddy']);
  assert.deepEqual(tabs.map((t) => t.getAttribute('aria-selected')), ['true', 'false', 'false']);
  const snippet = el.one('fix-snippet').textContent;
  assert.match(snippet, /^ssl_protocols TLSv1\.2 TLSv1\.3;  # changed$/m);
  // The server's own order, minus the weak suites.
  assert.match(snippet, /^ssl_ciphers ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256;  # changed$/m);
  assert.match(snippet, /^add_header Strict-Transport-Security "max-age=63072000" always;  # added$/m);
  assert.match(el.one('fix-remove').textContent, /Remove TLSv1 and TLSv1\.1 from ssl_protocols\./);
});

test('tabs switch the server software, by click and by arrow keys', () => {
  const calls = [];
  const el = section(B_REPORT, { calls });
  const [nginx, apache] = el.all('fix-tab');
  apache.fire('click');
  const ev = nginx.fire('keydown', { key: 'ArrowLeft' });
  assert.ok(ev.prevented);
  assert.deepEqual(calls, [['software', 'apache', undefined], ['software', 'caddy', { focus: true }]]);
  const apacheView = section(B_REPORT, { software: 'apache' });
  assert.equal(apacheView.all('fix-tab')[1].getAttribute('aria-selected'), 'true');
  assert.match(apacheView.one('fix-snippet').textContent, /^SSLProtocol -all \+TLSv1\.2 \+TLSv1\.3$/m);
  const caddyView = section(B_REPORT, { software: 'caddy' });
  assert.match(caddyView.one('fix-snippet').textContent, /^\t\tprotocols tls1\.2 tls1\.3  # changed$/m);
});

test('the goal select lists A+ and the core\'s profiles; a profile goal plans for it', () => {
  const calls = [];
  const el = section(B_REPORT, { calls });
  const select = el.one('fix-goal');
  const options = select.children.map((o) => o.getAttribute('value'));
  assert.deepEqual(options, ['A+', 'mozilla-modern', 'mozilla-intermediate', 'mozilla-old']);
  select.setAttribute('value', 'mozilla-modern');
  select.fire('change');
  assert.deepEqual(calls, [['goal', 'mozilla-modern']]);
  const modern = section(B_REPORT, { goal: 'mozilla-modern' });
  assert.equal(modern.getAttribute('data-goal'), 'mozilla-modern');
  assert.match(modern.one('fix-snippet').textContent, /^ssl_protocols TLSv1\.3;  # changed$/m);
});

test('a server that meets the goal: nothing to change', () => {
  const el = section(A_PLUS_REPORT);
  assert.match(el.one('fix-nothing').textContent, /Nothing to change/);
  assert.equal(el.all('fix-changes').length, 0);
  assert.match(el.one('fix-snippet').textContent, /^ssl_protocols TLSv1\.2 TLSv1\.3;  # unchanged$/m);
});

test('copy hands the snippet over; a plan the core refuses is explained', () => {
  const calls = [];
  const el = section(B_REPORT, { calls });
  el.one('fix-copy').fire('click');
  assert.equal(calls[0][0], 'copy');
  assert.equal(calls[0][1], el.one('fix-snippet').textContent);
  const missing = fixPlan(core, B_REPORT, { ip: '203.0.113.9' }, 'A+');
  const err = renderFix(missing, { goals: ['A+'], goal: 'A+', software: 'nginx', onGoal() {}, onSoftware() {}, onCopy() {} });
  assert.match(err.one('fix-error').textContent, /no scanned endpoint 203\.0\.113\.9/);
});
