// The client simulation (contract 6) as a popup section: which clients fail
// the handshake with this endpoint and why — failing clients first, each with
// the core's reason — then a compact table of the clients that connect.
// Nothing is judged here: `ok` and the reasons come from the core's report.
import { h } from './dom.js';

const CODE_WORDS = {
  protocol_mismatch: 'protocol',
  cipher_mismatch: 'cipher',
  group_mismatch: 'key exchange group',
  dh_too_small: 'DH too small',
  dh_too_large: 'DH too large',
  key_too_small: 'key too small',
  key_too_large: 'key too large',
  signature_rejected: 'signature',
  untrusted: 'not trusted',
  incomplete_chain: 'incomplete chain',
  expired: 'expired',
  not_yet_valid: 'not yet valid',
  hostname_mismatch: 'wrong name',
  no_sni: 'no SNI',
  handshake_failed: 'handshake failed',
};

const PROTOCOL_SHORT = { SSLv2: 'SSL 2', SSLv3: 'SSL 3', 'TLSv1.0': 'TLS 1.0', 'TLSv1.1': 'TLS 1.1', 'TLSv1.2': 'TLS 1.2', 'TLSv1.3': 'TLS 1.3' };

// `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256` → `ECDHE-RSA AES_128_GCM`: enough
// to tell suites apart in a narrow table (the full name is the tooltip).
function shortSuite(suite) {
  if (!suite) return '—';
  const m = /^TLS_(?:(.+)_WITH_)?(.+?)(?:_(SHA\d*|MD5))?$/.exec(suite);
  if (!m) return suite;
  return m[1] ? `${m[1].replace(/_/g, '-')} ${m[2]}` : m[2];
}

function failureRow(c) {
  const code = c.failure?.code ?? 'handshake_failed';
  return h('li', { class: 'client-failure', 'data-testid': 'client', 'data-client': c.id, 'data-ok': 'false', 'data-code': code },
    h('div', { class: 'client-head' },
      h('span', { class: 'client-name' }, c.name),
      c.current ? h('span', { class: 'chip chip-current', title: 'a version people run today' }, 'current') : null,
      h('span', { class: 'chip chip-bad' }, CODE_WORDS[code] ?? code)),
    h('p', { class: 'reason' }, c.failure?.message ?? ''));
}

function okRow(c) {
  return h('tr', { 'data-testid': 'client', 'data-client': c.id, 'data-ok': 'true' },
    h('td', null, c.name, c.current ? h('span', { class: 'muted small' }, ' ·current') : null),
    h('td', null, PROTOCOL_SHORT[c.protocol] ?? c.protocol ?? '—'),
    h('td', { title: c.cipher_suite ?? '' }, shortSuite(c.cipher_suite)),
    h('td', null, c.group ?? (c.dh_bits ? `DH ${c.dh_bits}` : '—')));
}

// `null` when the simulation did not run for this endpoint.
export function renderClients(ep) {
  const clients = ep?.clients;
  if (!Array.isArray(clients)) return null;
  const failing = clients.filter((c) => !c.ok);
  const ok = clients.filter((c) => c.ok);
  return h('section', { class: 'clients', 'aria-label': 'Simulated clients', 'data-testid': 'clients' },
    h('h2', null, 'Clients'),
    h('p', { class: failing.length ? 'clients-count warn' : 'clients-count ok', 'data-testid': 'clients-count' },
      `${ok.length} of ${clients.length} simulated clients connect`),
    failing.length
      ? h('ul', { class: 'client-failures', 'aria-label': 'Clients that cannot connect' }, failing.map(failureRow))
      : null,
    ok.length
      ? h('table', { class: 'client-table', 'aria-label': 'Clients that connect' },
        h('thead', null, h('tr', null, h('th', null, 'Client'), h('th', null, 'Protocol'), h('th', null, 'Cipher'), h('th', null, 'Group'))),
        h('tbody', null, ok.map(okRow)))
      : null);
}
