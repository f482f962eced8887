// One name for the WebExtension API in both browsers: Firefox provides the
// promise-based `browser`, Chromium `chrome` (promise-based too under MV3).
export const browserApi = globalThis.browser ?? globalThis.chrome;

// True in Firefox (and other Gecko browsers): `browser` is native there.
export const isFirefox = typeof globalThis.browser !== 'undefined'
  && typeof browserApi?.runtime?.getBrowserInfo === 'function';

// Per-tab state lives in storage.session where the browser has it (Chromium
// 102+, Firefox 115+), else in storage.local (keyed by tab id, cleaned up by
// the background on tab close).
export const tabStorage = browserApi?.storage?.session ?? browserApi?.storage?.local;

// The toolbar button: `action` under MV3.
export const actionApi = browserApi?.action ?? browserApi?.browserAction;
