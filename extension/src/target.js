// What to inspect: the `?url=` of the page (tests and deep links) or the
// active tab's URL.

// A URL TLS Lens cannot inspect; `kind` is internal | plain_http | invalid.
export class TargetError extends Error {
  constructor(kind, message, { httpsUrl } = {}) {
    super(message);
    this.name = 'TargetError';
    this.kind = kind;
    this.httpsUrl = httpsUrl;
  }
}

const INTERNAL = /^(chrome|chrome-extension|chrome-untrusted|chrome-search|devtools|edge|brave|opera|vivaldi|about|moz-extension|resource|view-source|file|data|blob|javascript):$/;

// Parses an https URL into the scan target. Throws TargetError with a message
// fit for people when the URL cannot be scanned. `allowHttp` inspects an
// http:// page's host on its HTTPS port (the user asked for it).
export function parseTarget(urlString, { allowHttp = false } = {}) {
  let url;
  try {
    url = new URL(urlString);
  } catch {
    throw new TargetError('invalid', `Not a valid URL: ${urlString}`);
  }
  if (INTERNAL.test(url.protocol)) {
    throw new TargetError('internal', `This is a browser page (${url.protocol}), not a web site: it has no TLS server to inspect. Open a site (https://…) and click TLS Lens there.`);
  }
  if (url.protocol === 'http:' && !allowHttp) {
    const https = new URL(url.href);
    https.protocol = 'https:';
    https.port = '';
    throw new TargetError('plain_http', `This page is plain HTTP (${url.host}): nothing is encrypted, so there is no TLS configuration to grade. Open https://${url.hostname}/ instead, or check whether the site has HTTPS with the button below.`, { httpsUrl: https.href });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TargetError('invalid', `TLS Lens inspects web sites (https://…), not ${url.protocol} pages`);
  }
  if (!url.hostname) {
    throw new TargetError('invalid', `No host in ${urlString}`);
  }
  // The TLS port: explicit for https, otherwise 443.
  const port = url.protocol === 'https:' && url.port ? Number(url.port) : 443;
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  return {
    url: url.href,
    hostname,
    port,
    key: `${hostname.toLowerCase()}:${port}`,
    // What people read: the host, with the port when it is not 443.
    display: port === 443 ? url.hostname : `${url.hostname}:${port}`,
  };
}

// The URL to inspect and the tab it belongs to: `?url=` when given (with
// `?tab=` optionally naming the tab), else the active tab's URL (readable
// thanks to the activeTab permission once the user opened the popup).
export async function targetUrl(browserApi, search = globalThis.location?.search ?? '') {
  const params = new URLSearchParams(search);
  const fromQuery = params.get('url');
  if (fromQuery) {
    const tab = Number(params.get('tab'));
    return { url: fromQuery, tabId: Number.isInteger(tab) && tab >= 0 ? tab : null };
  }
  try {
    const [tab] = await browserApi.tabs.query({ active: true, currentWindow: true });
    return tab?.url ? { url: tab.url, tabId: tab.id ?? null } : null;
  } catch {
    return null;
  }
}
