// The watchlist in storage.local under one key, `watchlist`:
//   { "host:port": { host, port, addedAt,
//       lastCheck, lastGrade, daysLeft, leafDaysLeft, notAfter, subject,
//       lastError: {kind, message, at} | null,
//       outageSince, outageNotified,              // unreachable: once per outage
//       alerts: { "<dedup key>": raisedAtMs } } } // expiry|sha256|threshold, grade_drop|…
// and the state of the last round under `watchRun` ({startedAt, finishedAt,
// checked, relayOutage}). Never in background globals: the worker can be
// stopped at any moment, so each site's result is written as soon as it is known.
import { browserApi } from './compat.js';

export const WATCHLIST = 'watchlist';
export const WATCH_RUN = 'watchRun';

export const watchKey = (host, port) => `${String(host).toLowerCase().replace(/\.$/, '')}:${Number(port)}`;

export async function getWatchlist() {
  const got = await browserApi.storage.local.get(WATCHLIST);
  const list = got?.[WATCHLIST];
  return list && typeof list === 'object' ? list : {};
}

export async function getWatch(key) {
  return (await getWatchlist())[key] ?? null;
}

export async function isWatched(key) {
  return Boolean(await getWatch(key));
}

// Read-modify-write of one entry. Updates from one page or worker are
// serialised (the worker checks sites in parallel), and the list is read just
// before it is written, so an add/remove from the popup or options page at the
// same time is kept. `fn` gets the current entry (or null) and returns the
// new one, null to remove it, or undefined to leave it.
let queue = Promise.resolve();

export function updateWatch(key, fn) {
  const run = queue.then(() => applyUpdate(key, fn));
  queue = run.catch(() => {});
  return run;
}

async function applyUpdate(key, fn) {
  const list = await getWatchlist();
  const next = fn(list[key] ?? null);
  if (next === undefined) return list[key] ?? null;
  if (next === null) delete list[key];
  else list[key] = next;
  await browserApi.storage.local.set({ [WATCHLIST]: list });
  return next;
}

// Starts watching host:port. `seed` (optional) is what the popup already knows
// (grade, days left) so the list is not empty until the first check; no
// alerts are recorded, so the first check raises whatever applies.
export async function addWatch(host, port, seed = {}) {
  const key = watchKey(host, port);
  return updateWatch(key, (cur) => cur ?? {
    host: String(host).toLowerCase(),
    port: Number(port),
    addedAt: Date.now(),
    lastCheck: null,
    lastGrade: seed.grade ?? null,
    daysLeft: seed.daysLeft ?? null,
    leafDaysLeft: seed.leafDaysLeft ?? null,
    notAfter: seed.notAfter ?? null,
    subject: seed.subject ?? null,
    lastError: null,
    outageSince: null,
    outageNotified: false,
    alerts: {},
  });
}

export async function removeWatch(key) {
  await updateWatch(key, () => null);
}

export async function getWatchRun() {
  const got = await browserApi.storage.local.get(WATCH_RUN);
  return got?.[WATCH_RUN] ?? {};
}

export async function setWatchRun(partial) {
  const cur = await getWatchRun();
  const next = { ...cur, ...partial };
  await browserApi.storage.local.set({ [WATCH_RUN]: next });
  return next;
}
