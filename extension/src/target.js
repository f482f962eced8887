// What to inspect: the `?url=` of the page (tests and deep links) or the
// active tab's URL.

// Parses an http(s) URL into the scan target. Throws Error with a message fit
// for people when the URL cannot be scanned.
export function parseTarget(urlString) {
  let url;
  try {
    url = new URL(urlString);
  } catch {
    throw new Error(`Not a valid URL: ${urlString}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`TLS Lens inspects web sites (https://…), not ${url.protocol} pages`);
  }
  if (!url.hostname) {
    throw new Error(`No host in ${urlString}`);
  }
  // The TLS port: explicit for https, otherwise 443 (an http:// page's host is
  // inspected on its HTTPS port).
  const port = url.protocol === 'https:' && url.port ? Number(url.port) : 443;
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    url: url.href,
    hostname,
    port,
    // What people read: the host, with the port when it is not 443.
    display: port === 443 ? url.hostname : `${url.hostname}:${port}`,
  };
}

// The URL to inspect: `?url=` when given, else the active tab's URL (readable
// thanks to the activeTab permission once the user opened the popup), else null.
export async function targetUrl(browserApi, search = globalThis.location?.search ?? '') {
  const fromQuery = new URLSearchParams(search).get('url');
  if (fromQuery) return fromQuery;
  try {
    const [tab] = await browserApi.tabs.query({ active: true, currentWindow: true });
    return tab?.url ?? null;
  } catch {
    return null;
  }
}
