// The user's settings (options page) in storage.local, with defaults.
import { browserApi } from './compat.js';

export const DEFAULT_RELAY = 'http://127.0.0.1:8787';
export const DEFAULTS = Object.freeze({
  relayUrl: DEFAULT_RELAY,
  token: '',
  cacheMinutes: 10,
  watchHours: 12, // how often watched sites are re-checked
});
export const WATCH_HOURS_MIN = 1;
export const WATCH_HOURS_MAX = 168;
const KEY = 'settings';

// Normalises a relay URL: http(s) only, no trailing slash, no query.
export function normaliseRelayUrl(text) {
  let url;
  try {
    url = new URL(String(text).trim());
  } catch {
    throw new Error(`"${text}" is not a URL. Example: ${DEFAULT_RELAY}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`The relay URL must start with http:// or https://, not ${url.protocol}`);
  }
  url.search = '';
  url.hash = '';
  return url.href.replace(/\/+$/, '');
}

// The origin pattern a relay URL needs as a host permission.
export function relayOriginPattern(relayUrl) {
  const u = new URL(relayUrl);
  return `${u.protocol}//${u.hostname}/*`;
}

export async function loadSettings() {
  const got = await browserApi.storage.local.get(KEY);
  const s = { ...DEFAULTS, ...(got?.[KEY] ?? {}) };
  const minutes = Number(s.cacheMinutes);
  s.cacheMinutes = Number.isFinite(minutes) && minutes >= 0 ? minutes : DEFAULTS.cacheMinutes;
  const hours = Number(s.watchHours);
  s.watchHours = Number.isFinite(hours) && hours >= WATCH_HOURS_MIN && hours <= WATCH_HOURS_MAX ? hours : DEFAULTS.watchHours;
  return s;
}

export async function saveSettings(partial) {
  const current = await loadSettings();
  const next = { ...current, ...partial };
  await browserApi.storage.local.set({ [KEY]: next });
  return next;
}
