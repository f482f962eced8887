// Firefox: the browser's own view of the connection beside the relay's.
import { h, dateText } from './dom.js';
import { compareLeaf } from './browser-view.js';
import { gradeTile } from './render-report.js';

// getSecurityInfo gives validity in ms since the epoch; dateText wants the
// relay's ISO form (no milliseconds) to print "YYYY-MM-DD hh:mm UTC".
const isoSeconds = (ms) => (Number.isFinite(ms) ? new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z') : null);

export function renderBrowserView(view, report, partialReport) {
  const cmp = compareLeaf(view, report);
  const ep = partialReport?.endpoints?.[0];
  return h('section', { class: 'browser-view', 'data-testid': 'browser-view', 'aria-label': 'What Firefox saw' },
    h('h2', null, 'What Firefox saw'),
    cmp && !cmp.same ? h('p', { class: 'alert', role: 'alert', 'data-testid': 'leaf-mismatch' },
      '⚠ The certificate Firefox received is not the one the relay received. A middlebox (antivirus, corporate proxy) may be intercepting your connection, or you reached a different server.',
      h('br'), h('span', { class: 'small' }, 'Firefox: ', h('code', { class: 'fp' }, cmp.browserLeaf)),
      h('br'), h('span', { class: 'small' }, 'Relay: ', h('code', { class: 'fp' }, cmp.relayLeaves.join(', ') || '—')))
      : cmp?.same ? h('p', { class: 'ok' }, '✓ Firefox received the same certificate as the relay.') : null,
    partialReport ? h('div', { class: 'summary partial' },
      gradeTile(partialReport.grade, { partial: true, label: 'Partial grade' }),
      h('div', { class: 'summary-text' },
        h('p', { class: 'summary-label' }, 'Partial grade: from Firefox’s one connection only'),
        h('p', { class: 'muted small' }, 'Without the relay, protocols and suites the browser did not use are not tested; the full grade can be lower.'),
        (ep?.caps ?? []).map((c) => h('p', { class: 'small' }, `≤ ${c.grade}: ${c.reason}`)))) : null,
    h('dl', { class: 'kv' },
      h('dt', null, 'Protocol'), h('dd', null, view.protocol ?? '—'),
      h('dt', null, 'Cipher'), h('dd', null, h('code', null, view.cipherSuite ?? '—')),
      h('dt', null, 'Group'), h('dd', null, view.group ?? '—'),
      view.signatureScheme ? [h('dt', null, 'Signature'), h('dd', null, view.signatureScheme)] : null,
      view.ip ? [h('dt', null, 'Server IP'), h('dd', null, view.ip)] : null,
      h('dt', null, 'State'), h('dd', null, view.state + (view.errorMessage ? ` (${view.errorMessage})` : ''))),
    h('h3', null, 'Chain Firefox built'),
    h('ol', { class: 'certs compact' }, view.certificates.map((c) => h('li', { class: 'cert' },
      h('p', { class: 'cert-subject' }, c.subject), h('p', { class: 'small muted' }, `until ${dateText(isoSeconds(c.notAfter))}${c.builtInRoot ? ' · built-in root' : ''}`),
      h('code', { class: 'fp small' }, c.sha256)))));
}
