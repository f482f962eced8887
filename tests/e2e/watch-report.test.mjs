// The monthly report (`tlslens-relay watch --report-month`) in headless
// Chromium. A real watch history first: two `watch --once` runs against zoo
// servers — `soon` (a leaf 10 days from expiry: an expiry alert) and
// `healthy`, redeployed between the runs with a self-signed certificate (a
// grade drop to T, whose cause the report names). Then this month's report
// file, opened from disk with every network request refused (it must be
// self-contained): its charts are drawn, the drop and the alerts are listed,
// and it prints (a PDF). The screenshot goes to test-artifacts/.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { ARTIFACTS, CHROMIUM } from './browser.mjs';
import { makeWatchCerts, startTlsServer, ensureRelay, freePort, stopAll, stopOne, RELAY_BIN } from './zoo.mjs';

ensureRelay();

let dir;
let browser;
let hook;

after(async () => {
  await browser?.close();
  hook?.close();
  await stopAll();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

// A webhook that collects the alerts.
function startHook(alerts) {
  return new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => { body += d; });
      req.on('end', () => {
        alerts.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

test('the monthly report: charts, drops with causes, alerts; self-contained and printable', { timeout: 120_000 }, async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlslens-report-'));
  const certs = makeWatchCerts(dir);
  const ports = { soon: await freePort(), healthy: await freePort() };
  await startTlsServer({ port: ports.soon, cert: certs.cert('soon'), key: certs.key('soon'), chain: certs.inter });
  let healthy = await startTlsServer({ port: ports.healthy, cert: certs.cert('healthy'), key: certs.key('healthy'), chain: certs.inter });
  const alerts = [];
  hook = await startHook(alerts);
  const config = path.join(dir, 'watch.toml');
  fs.writeFileSync(config, [
    'interval = "1h"',
    `webhook = "http://127.0.0.1:${hook.address().port}/hook"`,
    'database = "history.sqlite"',
    `ca_file = "${certs.root}"`,
    'allow_private = true',
    ...['soon', 'healthy'].flatMap((n) => ['', '[[target]]', `host = "${n}.watch.test"`, `port = ${ports[n]}`, 'resolve = ["127.0.0.1"]']),
    '',
  ].join('\n'));
  // Asynchronously: the webhook answers from this process's event loop.
  const relay = (args) => promisify(execFile)(RELAY_BIN, ['watch', '--config', config, ...args]);
  const watchOnce = () => relay(['--once']);
  await watchOnce();
  await stopOne(healthy);
  healthy = await startTlsServer({ port: ports.healthy, cert: certs.cert('healthy-self'), key: certs.key('healthy-self') });
  await watchOnce();
  assert.deepEqual(alerts.map((a) => a.kind).sort(), ['chain_change', 'expiry', 'grade_drop'], JSON.stringify(alerts));

  const month = new Date().toISOString().slice(0, 7);
  const out = path.join(dir, `report-${month}.html`);
  await relay(['--report-month', month, '--output', out]);
  assert.ok(fs.existsSync(out), 'the report file was written');

  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  const page = await browser.newPage({ viewport: { width: 900, height: 900 } });
  const fetched = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    fetched.push(url);
    return route.abort();
  });
  await page.goto(`file://${out}`);
  assert.equal(await page.locator('h1').textContent(), `TLS Lens — monthly report ${month}`);
  const sections = page.locator('section.endpoint');
  assert.equal(await sections.count(), 2);
  assert.equal(await page.locator('svg.chart').count(), 4, 'a grade and a days-left chart per endpoint');
  const box = await page.locator('svg.chart path').first().boundingBox();
  assert.ok(box && box.width > 0, 'the grade chart draws a line');
  const healthySection = sections.filter({ hasText: 'healthy.watch.test' });
  const drops = await healthySection.locator('ul li').allTextContents();
  assert.equal(drops.length, 1, drops.join(' | '));
  assert.match(drops[0], /→ T: the certificate changed/);
  const rows = await page.locator('table tbody tr').allTextContents();
  assert.equal(rows.length, 3, rows.join(' | '));
  assert.ok(rows.some((r) => /expiry.*soon\.watch\.test.*expires in \d+ days/.test(r)), rows.join(' | '));
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'watch-month-report.png'), fullPage: true });
  await page.emulateMedia({ media: 'print' });
  const pdf = await page.pdf({ format: 'A4' });
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  assert.ok(rows.some((r) => /chain_change.*healthy\.watch\.test.*issuer CN=TLS Lens Watch Intermediate.* → CN=healthy\.watch\.test/.test(r)), rows.join(' | '));
  assert.deepEqual(fetched, [], 'the report fetches nothing');
});
