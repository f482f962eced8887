// The report (contract 2, docs/report.md) as popup sections. One endpoint is
// shown in detail (the first graded; the endpoint list switches it).
import { h, daysText, ago, dateText } from './dom.js';
import { gradeColour, gradeWords } from './grades.js';
import { renderChain } from './render-chain.js';

const ALL_PROTOCOLS = ['SSLv2', 'SSLv3', 'TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
const OLD_PROTOCOLS = new Set(['SSLv2', 'SSLv3', 'TLSv1.0', 'TLSv1.1']);
const DIFF_TEXT = { reachability: 'not all answer', chain: 'different certificate chains', protocols: 'different protocols', cipher_suites: 'different cipher suites', grade: 'different grades' };

export function gradeTile(grade, { partial = false, label } = {}) {
  return h('div', { class: 'grade-tile', style: { background: gradeColour(grade) } },
    h('span', { class: 'grade-letter', 'data-testid': partial ? 'partial-grade' : 'grade', 'aria-label': `${label ?? 'Grade'} ${grade ?? 'none'}` }, grade ?? '–'));
}

// The headline: the grade of the server's configuration, and where it came from.
export function renderSummary(report, ep, { source, savedAt, now = Date.now() }) {
  const grade = report.grade ?? null;
  const expiry = ep?.expiry;
  const leafDays = expiry?.leaf_days_left ?? ep?.chain?.certificates?.[0]?.days_left;
  const earliest = expiry?.earliest_days_left;
  const provenance = source === 'cache'
    ? `cached result from ${ago(now - savedAt)}`
    : source === 'relay-report' ? 'graded by the relay' : 'graded in your browser';
  return h('section', { class: 'summary', 'aria-label': 'Grade' },
    gradeTile(grade, { label: 'Server configuration grade' }),
    h('div', { class: 'summary-text' },
      h('p', { class: 'summary-label' }, 'Grade of the server’s TLS configuration'),
      h('p', { class: 'summary-words' }, gradeWords(grade)),
      ep?.score ? h('p', { class: 'muted' }, `Score ${ep.score.total} (protocol ${ep.score.protocol}, key exchange ${ep.score.key_exchange}, cipher ${ep.score.cipher})`) : null,
      h('p', { class: `days${leafDays < 0 ? ' bad' : leafDays <= 30 ? ' warn' : ''}` },
        'Certificate: ', h('span', { 'data-testid': 'days-left' }, daysText(leafDays)),
        earliest !== undefined && earliest !== null && earliest !== leafDays ? ` · chain: ${daysText(earliest)}` : null),
      h('p', { class: 'muted small' }, `${provenance} · policy ${report.policy ?? '?'} · ${dateText(report.graded_at)}`)));
}

function ruleItem(item, testid) {
  return h('li', { class: `rule ${testid}`, 'data-testid': testid, 'data-code': item.code },
    testid === 'cap' ? h('span', { class: 'chip', style: { background: gradeColour(item.grade) }, 'aria-label': `caps the grade at ${item.grade}` }, `≤ ${item.grade}`) : h('span', { class: 'chip chip-warn', 'aria-label': 'warning' }, '!'),
    h('div', null,
      h('p', { class: 'reason' }, item.reason),
      item.fix ? h('details', { class: 'fix' }, h('summary', null, 'How to fix'), h('p', null, item.fix)) : null));
}

export function renderRules(ep) {
  const caps = ep?.caps ?? [];
  const warnings = ep?.warnings ?? [];
  if (!caps.length && !warnings.length) return h('section', { class: 'rules' }, h('p', { class: 'ok' }, '✓ No caps or warnings.'));
  return h('section', { class: 'rules', 'aria-label': 'What limits the grade' },
    caps.length ? [h('h2', null, 'What limits the grade'), h('ul', { class: 'rule-list' }, caps.map((c) => ruleItem(c, 'cap')))] : null,
    warnings.length ? [h('h2', null, 'Warnings'), h('ul', { class: 'rule-list' }, warnings.map((w) => ruleItem(w, 'warning')))] : null);
}

// One row per IP; the selected one is shown in detail below.
export function renderEndpoints(report, selected, onSelect) {
  const eps = report.endpoints ?? [];
  const disagree = report.endpoints_agree === false && eps.length > 1;
  return h('section', { class: 'endpoints', 'aria-label': 'Endpoints' },
    h('h2', null, `Endpoints (${eps.length})`),
    disagree ? h('p', { class: 'alert', role: 'note', 'data-testid': 'endpoints-disagree' },
      '⚠ The servers behind this name do not agree: ',
      (report.differences ?? []).map((d) => DIFF_TEXT[d] ?? d).join(', ') || 'they differ',
      '. Visitors get different results depending on which one they reach.') : null,
    h('ul', { class: 'endpoint-list' }, eps.map((ep, i) => h('li', { class: `endpoint${i === selected ? ' selected' : ''}`, 'data-testid': 'endpoint', 'data-ip': ep.ip },
      h('button', { type: 'button', class: 'endpoint-button', 'aria-pressed': String(i === selected), onclick: () => onSelect(i), title: 'Show this endpoint in detail' },
        h('span', { class: 'chip', style: { background: gradeColour(ep.grade) } }, ep.grade ?? '–'),
        h('span', { class: 'ip' }, ep.ip),
        ep.error ? h('span', { class: 'bad small' }, ` — ${ep.error.message ?? ep.error.code ?? 'not reachable'}`)
          : h('span', { class: 'muted small' }, ` ${(ep.protocols ?? []).join(' ')}`))))));
}

export function renderProtocols(ep) {
  const offered = new Set(ep.protocols ?? []);
  const weak = new Map();
  for (const w of ep.weak_cipher_suites ?? []) weak.set(`${w.protocol} ${w.suite}`, w.reason);
  const suites = ep.cipher_suites ?? {};
  return h('section', { class: 'protocols', 'aria-label': 'Protocols and cipher suites' },
    h('h2', null, 'Protocols and cipher suites'),
    h('ul', { class: 'proto-list' }, ALL_PROTOCOLS.map((p) => {
      const on = offered.has(p);
      const bad = on && OLD_PROTOCOLS.has(p);
      return h('li', { class: `proto${on ? ' on' : ' off'}${bad ? ' weak' : ''}`, 'data-testid': 'protocol', 'data-offered': String(on) },
        h('span', { class: 'sr-only' }, on ? 'offered: ' : 'not offered: '), p, bad ? h('span', { class: 'sr-only' }, ' (obsolete)') : null);
    })),
    Object.entries(suites).reverse().map(([proto, list]) => h('details', { class: 'suites', open: Object.keys(suites).length <= 2 ? true : undefined },
      h('summary', null, `${proto}: ${list.length} suite${list.length === 1 ? '' : 's'}${ep.server_cipher_order?.[proto] ? ' · server order' : ''}`,
        list.some((s) => weak.has(`${proto} ${s}`)) ? h('span', { class: 'bad' }, ` · ${list.filter((s) => weak.has(`${proto} ${s}`)).length} weak`) : null),
      h('ol', { class: 'suite-list' }, list.map((s) => {
        const why = weak.get(`${proto} ${s}`);
        return h('li', { class: why ? 'weak' : '', 'data-testid': why ? 'weak-suite' : 'suite' }, h('code', null, s), why ? h('span', { class: 'bad small' }, ` ⚠ ${why}`) : null);
      })))));
}

function yesNo(v, good = true) {
  if (v === null || v === undefined) return h('span', { class: 'muted' }, 'not measured');
  return h('span', { class: v === good ? 'good' : 'bad' }, v ? 'yes' : 'no');
}

export function renderDetails(ep) {
  const hsts = ep.hsts;
  const notMeasured = new Set(ep.not_measured ?? []);
  const kx = ep.key_exchange ?? {};
  const hstsText = hsts
    ? `max-age ${hsts.max_age ?? '?'}${hsts.include_subdomains ? ', includeSubDomains' : ''}${hsts.preload ? ', preload' : ''}${hsts.valid === false ? ' (invalid)' : ''}`
    : notMeasured.has('hsts') ? h('span', { class: 'muted' }, 'not measured (the HTTPS request failed)') : h('span', { class: 'bad' }, 'not sent');
  return h('section', { class: 'details-section', 'aria-label': 'Other settings' },
    h('h2', null, 'Other settings'),
    h('dl', { class: 'kv' },
      h('dt', null, 'HSTS'), h('dd', null, hstsText),
      h('dt', null, 'Browser handshake'), h('dd', null, ep.browser?.protocol ? `${ep.browser.protocol} · ${ep.browser.cipher_suite ?? '?'} · ${ep.browser.group ?? '?'} (${ep.browser.client ?? 'reference browser'})` : h('span', { class: 'bad' }, ep.browser?.error ? `no current browser connects (${ep.browser.error})` : 'no current browser connects')),
      h('dt', null, 'Key exchange'), h('dd', null, [kx.ecdh_group, kx.dh_bits ? `DH ${kx.dh_bits} bits` : null, (ep.groups ?? []).length ? `groups: ${ep.groups.join(', ')}` : null].filter(Boolean).join(' · ') || '—'),
      h('dt', null, 'OCSP stapling'), h('dd', null, yesNo(ep.ocsp_stapling)),
      h('dt', null, 'ALPN'), h('dd', null, (ep.alpn ?? []).join(', ') || '—'),
      h('dt', null, 'Secure renegotiation'), h('dd', null, yesNo(ep.secure_renegotiation)),
      h('dt', null, 'Fallback SCSV'), h('dd', null, yesNo(ep.fallback_scsv)),
      h('dt', null, 'TLS compression'), h('dd', null, yesNo(ep.compression, false))));
}

const STATUS_TEXT = { vulnerable: 'vulnerable', not_vulnerable: 'not vulnerable', not_tested: 'not tested' };

// Every known weakness, one line each, as the core judged it: "not tested"
// is shown apart from "not vulnerable".
export function renderWeaknesses(ep) {
  const list = ep.weaknesses ?? [];
  if (!list.length) return null;
  return h('section', { class: 'weaknesses', 'aria-label': 'Known weaknesses' },
    h('h2', null, 'Known weaknesses'),
    h('ul', { class: 'weakness-list' }, list.map((w) => h('li', { class: `weakness ${w.status}`, 'data-testid': 'weakness', 'data-code': w.code, 'data-status': w.status, title: w.evidence },
      h('span', { class: `chip-status ${w.status === 'vulnerable' ? 'bad' : w.status === 'not_vulnerable' ? 'good' : 'muted'}` }, STATUS_TEXT[w.status] ?? w.status),
      ' ', h('strong', null, w.name),
      h('span', { class: 'muted small' }, ` — ${w.oracle ? `${w.oracle} oracle: ` : ''}${w.evidence}`)))));
}

function dhGroupText(g) {
  const prime = g.prime === 'composite' ? 'NOT PRIME' : g.prime === 'not_checked' ? 'primality not checked' : g.safe_prime ? 'safe prime' : 'prime, not safe';
  return [`${g.bits} bits`, g.known, prime].filter(Boolean).join(' · ') + (g.problems?.length ? ` — ${g.problems.join('; ')}` : '');
}

function countText(n, what, none) {
  return n === null || n === undefined ? none : `${n} ${what}`;
}

// SSL Labs' "Protocol details" we measure: one line each.
export function renderProtocolDetails(ep) {
  if (!(ep.weaknesses ?? []).length) return null;
  const d = ep.protocol_details ?? {};
  const kx = ep.key_exchange ?? {};
  const r = ep.session_resumption;
  const reuse = (v) => (v === null || v === undefined ? h('span', { class: 'muted' }, 'not measured') : h('span', { class: v ? 'bad' : 'good' }, v ? 'reused' : 'fresh'));
  const scts = d.scts ?? {};
  const ocsp = ep.chain?.ocsp;
  const sig = !ocsp ? null : ocsp.signature === 'valid' ? h('span', { class: 'good' }, `valid (${ocsp.signer === 'delegated' ? 'delegated responder' : 'issuer'})`)
    : ocsp.signature === 'invalid' ? h('span', { class: 'bad' }, 'invalid') : h('span', { class: 'muted' }, ocsp.signature === 'unsupported' ? 'algorithm not supported' : 'not checked');
  return h('section', { class: 'details-section', 'aria-label': 'Protocol details', 'data-testid': 'protocol-details' },
    h('h2', null, 'Protocol details'),
    h('dl', { class: 'kv' },
      h('dt', null, 'Downgrade sentinel'), h('dd', null, d.downgrade_sentinel === undefined || d.downgrade_sentinel === null ? h('span', { class: 'muted' }, 'not applicable') : [yesNo(d.downgrade_sentinel), d.downgrade_evidence ? h('span', { class: 'muted small' }, ` (${d.downgrade_evidence})`) : null]),
      h('dt', null, 'Groups in server order'), h('dd', null, yesNo(d.groups_server_order)),
      h('dt', null, 'SSLv2-format hello'), h('dd', null, yesNo(d.sslv2_compatible_hello, false)),
      r ? [h('dt', null, 'Session resumption'), h('dd', null, 'IDs ', yesNo(r.session_ids), r.session_ids === false && r.ids_assigned ? ' (assigned, not accepted)' : '', ' · tickets ', yesNo(r.tickets))] : null,
      (kx.dh_groups ?? []).map((g) => [h('dt', null, 'DH group'), h('dd', { class: g.prime === 'composite' ? 'bad' : '' }, dhGroupText(g))]),
      h('dt', null, 'Key per handshake'), h('dd', null, 'DHE ', reuse(kx.dh_public_reuse), ' · ECDHE ', reuse(kx.ecdh_public_reuse)),
      h('dt', null, 'SCTs'), h('dd', null, [countText(scts.embedded, 'embedded', 'embedded: not measured'), countText(scts.ocsp, 'in OCSP', 'no OCSP staple'), countText(scts.tls_extension, 'in TLS extension', 'TLS extension: not measured')].join(' · ')),
      sig ? [h('dt', null, 'OCSP staple signature'), h('dd', null, sig)] : null));
}

// The chain served to clients that send no SNI (old clients, some bots).
export function renderNoSni(ep) {
  if (ep.sni_required === true) {
    return h('section', { class: 'no-sni', 'data-testid': 'no-sni' },
      h('h2', null, 'Without SNI'),
      h('p', { class: 'alert' }, '⚠ The server refuses clients that send no server name (SNI). Browsers always send it, but old libraries, some monitoring tools and IP-only clients fail the handshake here.'));
  }
  if (!ep.no_sni_chain_differs) return null;
  const leaf = ep.no_sni_chain?.certificates?.[0];
  return h('section', { class: 'no-sni', 'data-testid': 'no-sni' },
    h('h2', null, 'Without SNI'),
    h('p', { class: 'alert' }, '⚠ Clients that send no server name get a different certificate',
      leaf ? `: ${leaf.subject} (${(leaf.san ?? []).slice(0, 3).join(', ') || 'no names'})` : '', '. Old clients and some tools will see a name mismatch or another site.'));
}
