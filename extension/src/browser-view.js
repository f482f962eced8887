// Firefox only: the browser's own view of a page's TLS connection
// (webRequest.getSecurityInfo), recorded by the background for each tab's
// top-level document, and turned into partial facts the core can grade.
import { browserApi, tabStorage } from './compat.js';

const viewKey = (tabId) => `secinfo:${tabId}`;

// Firefox's names for key exchange groups → IANA names used in facts.
const GROUPS = { P256: 'secp256r1', P384: 'secp384r1', P521: 'secp521r1', x25519: 'x25519', mlkem768x25519: 'X25519MLKEM768', 'X25519MLKEM768': 'X25519MLKEM768' };

function base64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.slice(i, i + 0x8000));
  return btoa(s);
}

const hex = (fp) => (fp ?? '').replace(/:/g, '').toLowerCase();

// The record kept per tab: plain data, small.
export function recordFrom(details, info) {
  const certs = (info.certificates ?? []).map((c) => ({
    subject: c.subject,
    issuer: c.issuer,
    sha256: hex(c.fingerprint?.sha256),
    notBefore: c.validity?.start,
    notAfter: c.validity?.end,
    der: c.rawDER ? base64(Uint8Array.from(c.rawDER)) : null,
    builtInRoot: Boolean(c.isBuiltInRoot),
  }));
  return {
    url: details.url,
    ip: details.ip ?? null,
    at: Date.now(),
    state: info.state,
    errorMessage: info.errorMessage ?? null,
    protocol: info.protocolVersion ?? null,
    cipherSuite: info.cipherSuite ?? null,
    group: info.keaGroupName ? (GROUPS[info.keaGroupName] ?? info.keaGroupName) : null,
    signatureScheme: info.signatureSchemeName ?? null,
    overridable: Boolean(info.overridableErrorCategory),
    hsts: Boolean(info.hsts),
    certificates: certs,
  };
}

// Background: records the security info of every top-level HTTPS document.
// Needs `webRequest` + `webRequestBlocking` (Firefox overlay) and the host
// permission for the site (optional, granted from the popup).
export function startRecording() {
  const wr = browserApi.webRequest;
  if (typeof wr?.getSecurityInfo !== 'function') return false;
  wr.onHeadersReceived.addListener(
    async (details) => {
      if (details.tabId < 0) return {};
      try {
        const info = await wr.getSecurityInfo(details.requestId, { certificateChain: true, rawDER: true });
        if (info?.state && info.state !== 'insecure') {
          await tabStorage.set({ [viewKey(details.tabId)]: recordFrom(details, info) });
        }
      } catch {
        // the request went away
      }
      return {};
    },
    { urls: ['https://*/*'], types: ['main_frame'] },
    ['blocking'],
  );
  return true;
}

export async function getBrowserView(tabId, target) {
  if (tabId === null || tabId === undefined) return null;
  const got = await tabStorage.get(viewKey(tabId));
  const view = got?.[viewKey(tabId)];
  if (!view) return null;
  try {
    const u = new URL(view.url);
    const port = u.port ? Number(u.port) : 443;
    if (u.hostname.toLowerCase() !== target.hostname.toLowerCase() || port !== target.port) return null;
  } catch {
    return null;
  }
  return view;
}

export async function forgetBrowserView(tabId) {
  await tabStorage.remove(viewKey(tabId));
}

// Partial facts from what the browser saw: one handshake, its chain. The
// chain Firefox built ends in the root; a trailing self-signed root is left
// out so it is not counted as sent by the server. When Firefox accepted the
// connection it trusted that root (its own store, an enterprise or private
// CA), so the root goes in as a trust anchor: otherwise a private CA would be
// graded "incomplete chain".
export function partialFacts(view, target) {
  let certs = view.certificates.filter((c) => c.der);
  const last = certs.at(-1);
  let anchors = [];
  if (certs.length > 1 && last && last.subject === last.issuer) {
    certs = certs.slice(0, -1);
    if (view.state === 'secure') anchors = [last.der];
  }
  const ep = {
    ip: view.ip ?? '0.0.0.0',
    protocols: view.protocol ? [view.protocol] : [],
    cipher_suites: view.protocol && view.cipherSuite ? [{ protocol: view.protocol, suites: [view.cipherSuite], server_order: null }] : [],
    groups: view.group ? [view.group] : [],
    chain: { certificates: certs.map((c) => c.der), protocol: view.protocol, cipher_suite: view.cipherSuite },
    browser: { client: 'firefox', protocol: view.protocol, cipher_suite: view.cipherSuite, group: view.group },
  };
  return {
    schema: 'tlslens.facts/1',
    target: { host: target.hostname, port: target.port },
    started_at: new Date(view.at).toISOString(),
    scanner: 'firefox getSecurityInfo (partial)',
    extra_anchors: anchors,
    endpoints: [ep],
  };
}

// The relay's leaves (per endpoint) against the leaf the browser saw.
export function compareLeaf(view, report) {
  const seen = view?.certificates?.[0]?.sha256;
  if (!seen || !report) return null;
  const relayLeaves = new Set();
  for (const ep of report.endpoints ?? []) {
    const leaf = ep.chain?.certificates?.find((c) => c.role === 'leaf') ?? ep.chain?.certificates?.[0];
    if (leaf?.sha256) relayLeaves.add(leaf.sha256.toLowerCase());
  }
  return { browserLeaf: seen, relayLeaves: [...relayLeaves], same: relayLeaves.has(seen) };
}
