// The watchlist's alert decisions (extension/src/watch-alerts.js) in Node,
// with the real WASM core's alert_threshold: thresholds, dedup per
// certificate and threshold, renewals, grade drops, outages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCore } from '../wasm/core.mjs';
import { evaluateReport, evaluateFailure, expiryAlerts, summarise } from '../../extension/src/watch-alerts.js';

const core = await loadCore();
// The core's decisions, as the extension's worker hands them to evaluateReport.
const decisions = () => ({ alertThreshold: core.alert_threshold, gradeDropped: core.grade_dropped });
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1, 12);

const cert = (sha256, days, role = 'leaf', subject = 'CN=a.test') => ({
  sha256, role, subject, days_left: days, not_after: new Date(NOW + days * DAY + 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z'),
});
const report = (grade, certs, { caps = [] } = {}) => ({
  grade,
  endpoints: [{
    ip: '192.0.2.1', grade, caps,
    chain: { certificates: certs },
    expiry: { leaf_days_left: certs[0].days_left, earliest_days_left: Math.min(...certs.map((c) => c.days_left)), earliest_not_after: certs[0].not_after, earliest_subject: certs[0].subject },
  }],
});
const entry = (extra = {}) => ({ host: 'a.test', port: 443, lastGrade: null, alerts: {}, ...extra });

test('alert_threshold from the core: the smallest threshold covering days left', () => {
  assert.equal(core.alert_threshold(45, false, new Uint32Array()), undefined);
  assert.equal(core.alert_threshold(10, false, new Uint32Array([30, 14, 7, 1])), 14);
  assert.equal(core.alert_threshold(-2, true, new Uint32Array([30, 14, 7, 1])), 0);
});

test('a certificate 10 days from expiry alerts at 14, once', () => {
  const r = report('A', [cert('aa', 10), cert('bb', 3000, 'intermediate', 'CN=Inter')]);
  const first = evaluateReport(entry(), r, decisions(), NOW);
  assert.equal(first.alerts.length, 1);
  const [a] = first.alerts;
  assert.equal(a.key, 'expiry|aa|14');
  assert.match(a.title, /a\.test:443: certificate expires in 10 days/);
  assert.match(a.message, /Renew before 2026-06-11/);
  assert.equal(first.entry.lastGrade, 'A');
  assert.equal(first.entry.daysLeft, 10);
  assert.ok(first.entry.alerts['expiry|aa|14']);
  const second = evaluateReport(first.entry, r, decisions(), NOW + 3_600_000);
  assert.deepEqual(second.alerts, []);
  // Three days later the 7-day threshold applies: a new alert.
  const later = evaluateReport(second.entry, report('A', [cert('aa', 7)]), decisions(), NOW + 3 * DAY);
  assert.deepEqual(later.alerts.map((x) => x.key), ['expiry|aa|7']);
});

test('a renewed certificate starts afresh and old keys are dropped', () => {
  const first = evaluateReport(entry(), report('A', [cert('old', 5)]), decisions(), NOW);
  const renewed = evaluateReport(first.entry, report('A', [cert('new', 90)]), decisions(), NOW + DAY);
  assert.deepEqual(renewed.alerts, []);
  assert.deepEqual(Object.keys(renewed.entry.alerts), []);
  const again = evaluateReport(renewed.entry, report('A', [cert('new2', 5)]), decisions(), NOW + 2 * DAY);
  assert.deepEqual(again.alerts.map((x) => x.key), ['expiry|new2|7']);
});

test('an expired intermediate: threshold 0, says what to do', () => {
  const [a] = expiryAlerts(report('T', [cert('leaf', 100), cert('int', -1, 'intermediate', 'CN=Old Inter')]), core.alert_threshold, NOW);
  assert.equal(a.threshold, 0);
  assert.equal(a.expired, true);
  const { alerts } = evaluateReport(entry(), report('T', [cert('leaf', 100), cert('int', -1, 'intermediate', 'CN=Old Inter')]), decisions(), NOW);
  assert.match(alerts[0].message, /intermediate certificate CN=Old Inter .* expired .* Renew it now/);
});

test('grade drops alert once per drop; rises do not', () => {
  assert.equal(core.grade_dropped('A', 'T'), true);
  assert.equal(core.grade_dropped('A', 'A+'), false);
  assert.equal(core.grade_dropped('T', 'M'), true, 'M ranks below T, as in the relay');
  assert.equal(core.grade_dropped('M', 'T'), false);
  const caps = [{ grade: 'T', code: 'self_signed', reason: 'The certificate is self-signed', fix: 'Install a certificate from a public CA.' }];
  const drop = evaluateReport(entry({ lastGrade: 'A' }), report('T', [cert('s', 100)], { caps }), decisions(), NOW);
  assert.equal(drop.alerts.length, 1);
  assert.match(drop.alerts[0].title, /grade dropped from A to T/);
  assert.match(drop.alerts[0].message, /self-signed.*public CA/);
  const same = evaluateReport(drop.entry, report('T', [cert('s', 100)], { caps }), decisions(), NOW + 1);
  assert.deepEqual(same.alerts, []);
  const up = evaluateReport(same.entry, report('A', [cert('s', 100)]), decisions(), NOW + 2);
  assert.deepEqual(up.alerts, []);
  const down = evaluateReport(up.entry, report('B', [cert('s', 100)]), decisions(), NOW + 3);
  assert.equal(down.alerts.length, 1, 'a second drop is a new alert');
});

test('unreachable: once per outage; relay failures and rate limits are not per site', () => {
  const err = { kind: 'unreachable', message: 'connection refused' };
  const a = evaluateFailure(entry({ lastGrade: 'A' }), err, NOW);
  assert.equal(a.alerts.length, 1);
  assert.match(a.alerts[0].title, /could not be checked/);
  assert.equal(a.entry.lastGrade, 'A', 'the last good grade is kept');
  const b = evaluateFailure(a.entry, err, NOW + DAY);
  assert.deepEqual(b.alerts, []);
  assert.equal(b.entry.outageSince, NOW);
  const back = evaluateReport(b.entry, report('A', [cert('x', 100)]), decisions(), NOW + 2 * DAY);
  assert.equal(back.entry.outageSince, null);
  const c = evaluateFailure(back.entry, err, NOW + 3 * DAY);
  assert.equal(c.alerts.length, 1, 'a new outage alerts again');
  for (const kind of ['relay_down', 'unauthorized', 'rate_limited']) {
    assert.deepEqual(evaluateFailure(entry(), { kind, message: 'x' }, NOW).alerts, [], kind);
  }
});

test('summarise: the earliest expiry over endpoints', () => {
  const s = summarise(report('A-', [cert('l', 50), cert('i', 20, 'intermediate')]));
  assert.equal(s.grade, 'A-');
  assert.equal(s.daysLeft, 20);
  assert.equal(s.leafDaysLeft, 50);
});
