// The watchlist monitor in the background: on the `watch` alarm (every
// settings.watchHours, default 12 h) or on demand (`watch-now` alarm, or the
// message {type: 'watch:run'} from the options page), re-checks every watched
// site through the relay (/v1/facts?fresh=1, graded in WASM), stores each
// result as soon as it is known (storage.local `watchlist`, `watchRun`; never
// globals) and raises the notifications src/watch-alerts.js decides on.
import { browserApi } from './compat.js';
import { loadSettings } from './settings.js';
import { fetchFacts, fetchReport, RelayError } from './relay.js';
import { putCached } from './cache.js';
import { workerCore } from './worker-core.js';
import { getWatchlist, updateWatch, getWatchRun, setWatchRun } from './watchlist.js';
import { evaluateReport, evaluateFailure, relayDownText, RELAY_KINDS } from './watch-alerts.js';

export const ALARM = 'watch';
export const ALARM_NOW = 'watch-now';
const CONCURRENCY = 2;
const CHECK_TIMEOUT_MS = 90_000;
// A relay over its per-client rate (429) says when to retry; waits are kept
// short so the worker is not stopped while idle (Chromium: 30 s).
const RATE_RETRIES = 3;
const RATE_WAIT_MAX_S = 20;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// (Re)creates the periodic alarm when it is missing or its period differs
// from the settings. Alarms survive worker restarts, not always browser restarts.
export async function ensureAlarm() {
  const { watchHours } = await loadSettings();
  const period = Math.round(watchHours * 60);
  const alarm = await browserApi.alarms.get(ALARM);
  if (alarm?.periodInMinutes === period) return alarm;
  await browserApi.alarms.create(ALARM, { delayInMinutes: period, periodInMinutes: period });
  return browserApi.alarms.get(ALARM);
}

export function notificationId(siteKey, alertKey) {
  return `tlslens|${siteKey}|${alertKey}`;
}

async function notify(siteKey, alert) {
  try {
    await browserApi.notifications.create(notificationId(siteKey, alert.key), {
      type: 'basic',
      iconUrl: browserApi.runtime.getURL('icons/icon-128.png'),
      title: alert.title,
      message: alert.message,
      priority: alert.kind === 'expiry' && !alert.expired && alert.threshold >= 14 ? 0 : 2,
    });
  } catch (err) {
    console.warn('TLS Lens: notification failed', err);
  }
}

// Relay → report: the facts graded in WASM, or the relay's report from an
// older relay without /v1/facts. Not `fresh=1`: the relay caches a report for
// minutes (--cache-ttl, default 5 min), far below the watch interval, and a
// fresh scan costs five times a normal one in the relay's rate limit.
async function checkSite(settings, core, entry, signal) {
  const target = { hostname: entry.host, port: entry.port };
  const facts = await fetchFacts(settings, target, { signal });
  if (facts !== null) {
    let report;
    try {
      report = JSON.parse(core.grade(facts, Date.now()));
    } catch (err) {
      throw new RelayError('bad_response', `The core could not grade the relay's facts: ${err?.message ?? err}`);
    }
    return { report, facts };
  }
  return { report: await fetchReport(settings, target, { signal }), facts: null };
}

async function checkWithRetry(settings, core, entry, signal) {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await checkSite(settings, core, entry, signal);
    } catch (err) {
      if (err?.kind !== 'rate_limited' || attempt >= RATE_RETRIES) throw err;
      await sleep(Math.min(Math.max(err.retryAfter ?? 5, 1), RATE_WAIT_MAX_S) * 1000);
    }
  }
}

function noEndpoint(report) {
  const eps = report?.endpoints ?? [];
  if (eps.some((e) => !e.error && e.grade)) return null;
  const first = eps.find((e) => e.error)?.error;
  return new RelayError(first?.code === 'timeout' ? 'timeout' : 'unreachable', first?.message ?? 'no endpoint could be scanned');
}

// One site: check, store, then notify (stored first: at most once).
async function checkOne(settings, core, key, entry) {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), CHECK_TIMEOUT_MS + RATE_RETRIES * RATE_WAIT_MAX_S * 1000);
  let outcome;
  try {
    const { report, facts } = await checkWithRetry(settings, core, entry, ctl.signal);
    const failed = noEndpoint(report);
    if (failed) throw failed;
    outcome = { report };
    await putCached(key, { ...(facts ? { facts } : { report }), grade: report.grade ?? null }).catch(() => {});
  } catch (err) {
    const e = err?.name === 'AbortError' ? new RelayError('timeout', `no answer from the relay within ${CHECK_TIMEOUT_MS / 1000} s`) : err;
    outcome = { error: e instanceof RelayError ? e : new RelayError('other', String(e?.message ?? e)) };
  } finally {
    clearTimeout(timer);
  }
  const now = Date.now();
  let alerts = [];
  await updateWatch(key, (cur) => {
    if (!cur) return undefined; // removed meanwhile
    const r = outcome.report
      ? evaluateReport(cur, outcome.report, core, now)
      : evaluateFailure(cur, outcome.error, now);
    alerts = r.alerts;
    return r.entry;
  });
  for (const a of alerts) await notify(key, a);
  return outcome;
}

// The relay itself failing (down, token, not a TLS Lens relay) is one outage
// for the whole list: one notification, cleared when the relay answers again.
async function recordRelayOutage(settings, relayError, count) {
  const run = await getWatchRun();
  if (!relayError) {
    if (run.relayOutage) await setWatchRun({ relayOutage: null });
    return;
  }
  if (run.relayOutage?.notified) return;
  const now = Date.now();
  await setWatchRun({ relayOutage: { since: now, kind: relayError.kind, message: relayError.message, notified: true } });
  await notify('relay', { kind: 'relay', key: `relay|${now}`, ...relayDownText(relayError, settings.relayUrl, count) });
}

let running = null; // only dedupes overlapping calls within this worker's life

export function runChecks(reason = 'alarm') {
  running ??= (async () => {
    try {
      const settings = await loadSettings();
      const list = await getWatchlist();
      const keys = Object.keys(list);
      await setWatchRun({ startedAt: Date.now(), reason, finishedAt: null });
      if (keys.length === 0) {
        await setWatchRun({ finishedAt: Date.now(), checked: 0 });
        return { checked: 0 };
      }
      const core = await workerCore();
      let relayError = null;
      let relayAnswered = false;
      const queue = [...keys];
      const worker = async () => {
        for (let key = queue.shift(); key; key = queue.shift()) {
          const { error } = await checkOne(settings, core, key, list[key]);
          if (error && RELAY_KINDS.has(error.kind)) relayError ??= error;
          else relayAnswered = true;
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, keys.length) }, worker));
      await recordRelayOutage(settings, relayAnswered && !relayError ? null : relayError, keys.length);
      await setWatchRun({ finishedAt: Date.now(), checked: keys.length });
      return { checked: keys.length };
    } finally {
      running = null;
    }
  })();
  return running;
}

// Listeners, registered synchronously by the background's top level.
export function registerWatcher() {
  browserApi.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === ALARM || alarm.name === ALARM_NOW) {
      runChecks(alarm.name === ALARM ? 'alarm' : 'now').catch((err) => console.warn('TLS Lens: watch round failed', err));
    }
  });
  browserApi.runtime.onMessage.addListener((msg, _sender, sendResponse) => {
    if (msg?.type !== 'watch:run') return false;
    runChecks('message').then((r) => sendResponse({ ok: true, ...r }), (err) => sendResponse({ ok: false, error: String(err?.message ?? err) }));
    return true;
  });
  browserApi.notifications.onClicked?.addListener((id) => {
    const [, siteKey] = String(id).split('|');
    browserApi.notifications.clear(id).catch?.(() => {});
    if (!siteKey || siteKey === 'relay') {
      browserApi.runtime.openOptionsPage?.();
      return;
    }
    const url = browserApi.runtime.getURL(`popup/popup.html?url=${encodeURIComponent(`https://${siteKey}/`)}`);
    browserApi.tabs.create({ url }).catch(() => {});
  });
  browserApi.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && changes.settings) ensureAlarm().catch(() => {});
  });
  browserApi.runtime.onStartup?.addListener(() => { ensureAlarm().catch(() => {}); });
  ensureAlarm().catch(() => {});
}
