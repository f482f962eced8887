// The certificate chain breakdown (report `chain`): verify result, the verdict
// per root store in one line (`chain.trust`, summed up by the core), then each
// certificate from the leaf up, with issues drawn where they are: the missing
// link (`missing_issuer`), misplaced certificates (`sent_index`), per-cert issues.
import { h, daysText, dateText } from './dom.js';

const ISSUE_TEXT = {
  expired: 'expired', not_yet_valid: 'not valid yet', hostname_mismatch: 'not valid for this host name',
  self_signed: 'self-signed', untrusted_root: 'root not trusted by browsers', incomplete_chain: 'incomplete chain',
  wrong_order: 'sent in the wrong order', extra_certs: 'extra certificates sent', contains_anchor: 'root certificate sent (unneeded)',
  weak_key: 'weak key', weak_signature: 'weak signature', revoked: 'revoked',
};
export const issueText = (code) => ISSUE_TEXT[code] ?? code.replace(/_/g, ' ');

const SOURCE_TEXT = { sent: 'sent by the server', aia: 'fetched via AIA (not sent)', root_store: 'from the root store' };

function keyText(key) {
  if (!key) return '—';
  const parts = [key.type, key.bits ? `${key.bits} bits` : null, key.curve].filter(Boolean);
  if (key.rsa_equivalent_bits && key.type !== 'RSA') parts.push(`≈ RSA ${key.rsa_equivalent_bits}`);
  return parts.join(' · ');
}

function row(label, ...value) {
  return [h('dt', null, label), h('dd', null, ...value)];
}

function sourceText(cert) {
  if (cert.source === 'sent' && cert.sent_index !== null && cert.sent_index !== undefined) {
    return `sent by the server (#${cert.sent_index + 1})`;
  }
  return SOURCE_TEXT[cert.source] ?? cert.source ?? '—';
}

function certCard(cert, position, pathLength) {
  const issues = [...(cert.issues ?? [])];
  // Misplaced: a path certificate the server sent at another position.
  const onPath = position < pathLength;
  const misplaced = onPath && cert.source === 'sent' && typeof cert.sent_index === 'number' && cert.sent_index !== position;
  const role = cert.role ?? (position === 0 ? 'leaf' : 'intermediate');
  const days = cert.days_left;
  const expiring = typeof days === 'number' && days >= 0 && days <= 30;
  const sans = cert.san ?? [];
  return h('li', { class: `cert${issues.length || misplaced ? ' has-issue' : ''} role-${role}`, 'data-testid': 'cert', 'data-role': role, 'data-source': cert.source },
    h('div', { class: 'cert-head' },
      h('span', { class: 'cert-role' }, role === 'extra' ? 'extra (not on the path)' : role),
      h('span', { class: `source source-${cert.source}` }, sourceText(cert))),
    h('p', { class: 'cert-subject' }, cert.subject || '(empty subject)'),
    misplaced ? h('p', { class: 'flag', 'data-testid': 'misplaced' }, `⚠ Misplaced: sent as certificate #${cert.sent_index + 1}, belongs at #${position + 1}`) : null,
    issues.length ? h('ul', { class: 'flags', 'aria-label': 'Problems with this certificate' }, issues.map((i) => h('li', { class: 'flag' }, `⚠ ${issueText(i)}`))) : null,
    h('dl', { class: 'kv' },
      row('Issuer', cert.issuer || '—'),
      row('Valid', `${dateText(cert.not_before)} → ${dateText(cert.not_after)}`, ' ',
        h('span', { class: `days${days < 0 ? ' bad' : expiring ? ' warn' : ''}` }, `(${daysText(days)})`)),
      row('Key', keyText(cert.key)),
      row('Signature', cert.signature_algorithm ?? '—'),
      sans.length ? row('Names', sans.length > 6
        ? h('details', null, h('summary', null, `${sans.slice(0, 4).join(', ')} … (${sans.length})`), sans.join(', '))
        : sans.join(', ')) : null,
      cert.validation ? row('Validation', cert.validation) : null,
      row('SHA-256', h('code', { class: 'fp' }, cert.sha256 ?? '—')),
    ));
}

// The per-store verdicts of `chain.trust` summed up by the core
// ({trusted: [...], untrusted: [...], text: "Trusted by … · not by …"}); null
// when the report has none (older cores, or no path was built) or no core is at
// hand, and the line is then left out.
export function trustSummary(chain, core) {
  const trust = chain?.trust;
  if (!Array.isArray(trust) || trust.length === 0 || typeof core?.trust_summary !== 'function') return null;
  try {
    return JSON.parse(core.trust_summary(JSON.stringify(trust)));
  } catch (err) {
    console.warn('TLS Lens: chain.trust not understood', err);
    return null;
  }
}

function trustLine(summary) {
  if (!summary?.text) return null;
  const kind = summary.untrusted.length === 0 ? 'all' : summary.trusted.length === 0 ? 'none' : 'some';
  return h('p', { class: `trust-stores ${kind}`, 'data-testid': 'trust-stores', 'data-trust': kind },
    h('span', { class: 'label' }, 'Root stores: '), summary.text);
}

// `notMeasured`: no probe could capture the chain (the report's
// `not_measured`), which is not the same as a server that sends none.
export function renderChain(chain, { title = 'Certificate chain', testid = 'chain', core = null, notMeasured = false } = {}) {
  if (!chain) {
    return h('section', { class: 'chain', 'data-testid': testid }, h('h2', null, title),
      notMeasured
        ? h('p', { class: 'muted', 'data-testid': 'chain-not-measured' }, 'Not measured: no probe could capture the chain (see the probe errors), so trust is not judged.')
        : h('p', { class: 'muted' }, 'No certificate was received.'));
  }
  const certs = chain.certificates ?? [];
  const pathLength = certs.filter((c) => c.role !== 'extra').length;
  const ok = chain.verify_code === 0;
  const items = [];
  certs.forEach((cert, i) => {
    if (i > 0 && i < pathLength) items.push(h('li', { class: 'link', 'aria-hidden': 'true' }, '↓ issued by'));
    if (i === pathLength && chain.missing_issuer) items.push(missingLink(chain.missing_issuer));
    if (i === pathLength && i < certs.length) items.push(h('li', { class: 'link extra-sep' }, 'Also sent, not part of the path:'));
    items.push(certCard(cert, i, pathLength));
  });
  if (pathLength === certs.length && chain.missing_issuer) items.push(missingLink(chain.missing_issuer));
  return h('section', { class: 'chain', 'data-testid': testid, 'aria-label': title },
    h('h2', null, title),
    h('p', { class: `verify ${ok ? 'ok' : 'bad'}`, 'data-testid': 'verify' },
      h('span', { class: 'label' }, 'OpenSSL verify: '),
      h('code', null, `${chain.verify_code ?? '?'}`), ` (${chain.verify_message ?? '—'})`,
      h('span', { class: 'trust' }, chain.trusted ? ' · trusted by browsers' : ' · NOT trusted by browsers')),
    trustLine(trustSummary(chain, core)),
    (chain.issues ?? []).length
      ? h('p', { class: 'chain-issues' }, 'Chain issues: ', chain.issues.map(issueText).join(', '))
      : null,
    chain.ocsp ? h('p', { class: 'muted' }, `OCSP staple: ${chain.ocsp.status}${chain.ocsp.stale ? ' (stale)' : ''}`) : null,
    (chain.findings ?? []).length ? h('ul', { class: 'findings' }, chain.findings.map((f) => h('li', { class: `finding ${f.severity}` }, f.reason))) : null,
    h('ol', { class: 'certs' }, items));
}

function missingLink(issuer) {
  return h('li', { class: 'cert missing', 'data-testid': 'missing-link' },
    h('div', { class: 'cert-head' }, h('span', { class: 'cert-role' }, 'missing link')),
    h('p', null, `⚠ The issuer “${issuer}” was not sent by the server and could not be found.`),
    h('p', { class: 'fix' }, 'Serve the full chain: leaf, then the intermediates (e.g. fullchain.pem).'));
}
