// One name for the WebExtension API in both browsers: Firefox provides the
// promise-based `browser`, Chromium `chrome` (promise-based too under MV3).
export const browserApi = globalThis.browser ?? globalThis.chrome;
