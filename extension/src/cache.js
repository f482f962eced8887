// Results per host:port in storage.local, so the popup shows the last result
// at once. An entry holds the facts (graded again on display, so days left
// stay right) or, from a relay without /v1/facts, the relay's report.
import { browserApi } from './compat.js';

const PREFIX = 'result:';
const MAX_ENTRIES = 200;

export async function getCached(key) {
  const k = PREFIX + key;
  const got = await browserApi.storage.local.get(k);
  return got?.[k] ?? null;
}

export async function putCached(key, entry) {
  await browserApi.storage.local.set({ [PREFIX + key]: { ...entry, savedAt: Date.now() } });
  pruneSoon();
}

export async function dropCached(key) {
  await browserApi.storage.local.remove(PREFIX + key);
}

// Fresh within the cache lifetime (minutes) from the options.
export function isFresh(entry, cacheMinutes, now = Date.now()) {
  return Boolean(entry) && now - entry.savedAt < cacheMinutes * 60_000;
}

// Keeps the newest MAX_ENTRIES results.
let pruning;
function pruneSoon() {
  pruning ??= (async () => {
    try {
      const all = await browserApi.storage.local.get(null);
      const keys = Object.keys(all).filter((k) => k.startsWith(PREFIX));
      if (keys.length <= MAX_ENTRIES) return;
      keys.sort((a, b) => (all[b].savedAt ?? 0) - (all[a].savedAt ?? 0));
      await browserApi.storage.local.remove(keys.slice(MAX_ENTRIES));
    } finally {
      pruning = undefined;
    }
  })();
}
