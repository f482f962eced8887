// The popup's client section (extension/src/render-clients.js) in Node, on the
// core's own report of a simulated scan (the parity fixture
// wasm-core/tests/fixtures/parity/clients.report.json, which the WASM build
// must reproduce byte for byte): failing clients first, each with the core's
// reason, then the table of the clients that connect. A small fake DOM stands
// in for the browser's (the section only builds elements).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

class FakeNode {}
class FakeText extends FakeNode {
  constructor(text) { super(); this.text = text; }
  get textContent() { return this.text; }
}
class FakeElement extends FakeNode {
  constructor(tag) {
    super();
    this.tagName = tag.toUpperCase();
    this.attributes = new Map();
    this.children = [];
    this.style = {};
  }
  set className(v) { this.attributes.set('class', v); }
  get className() { return this.attributes.get('class') ?? ''; }
  setAttribute(k, v) { this.attributes.set(k, String(v)); }
  getAttribute(k) { return this.attributes.has(k) ? this.attributes.get(k) : null; }
  addEventListener() {}
  append(...items) {
    for (const c of items) this.children.push(c instanceof FakeNode ? c : new FakeText(String(c)));
  }
  get textContent() { return this.children.map((c) => c.textContent).join(''); }
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
}
globalThis.Node = FakeNode;
globalThis.document = { createElement: (tag) => new FakeElement(tag) };

const { renderClients } = await import('../../extension/src/render-clients.js');
const report = JSON.parse(readFileSync(
  new URL('../../wasm-core/tests/fixtures/parity/clients.report.json', import.meta.url), 'utf8'));

test('failing clients come first with the core reason, then the ones that connect', () => {
  const ep = report.endpoints[0];
  const section = renderClients(ep);
  const rows = section.all('client');
  assert.equal(rows.length, ep.clients.length);
  const failing = ep.clients.filter((c) => !c.ok);
  const ok = ep.clients.filter((c) => c.ok);
  assert.ok(failing.length > 0 && ok.length > 0, 'the fixture has both');
  // Failing first, in the core's order, each with its code and message.
  rows.slice(0, failing.length).forEach((row, i) => {
    const c = failing[i];
    assert.equal(row.getAttribute('data-client'), c.id);
    assert.equal(row.getAttribute('data-ok'), 'false');
    assert.equal(row.getAttribute('data-code'), c.failure.code);
    assert.ok(row.textContent.includes(c.name));
    assert.ok(row.textContent.includes(c.failure.message), row.textContent);
  });
  rows.slice(failing.length).forEach((row, i) => {
    assert.equal(row.getAttribute('data-client'), ok[i].id);
    assert.equal(row.getAttribute('data-ok'), 'true');
  });
  const count = section.all('clients-count')[0].textContent;
  assert.equal(count, `${ok.length} of ${ep.clients.length} simulated clients connect`);
});

test('no section when the simulation did not run', () => {
  const { clients, ...without } = report.endpoints[0];
  assert.ok(Array.isArray(clients));
  assert.equal(renderClients(without), null);
});
