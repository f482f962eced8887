// What one check of a watched site means: the entry to store and the
// notifications to raise (pure: no storage, no browser API, so it is tested
// in Node). The decisions come from the WASM core — thresholds from its
// alert_threshold, grade drops from its grade_dropped (the same rules and grade
// order as `tlslens-relay watch`); each alert has a dedup key that is stored in
// the entry once raised:
//   expiry|<sha256>|<threshold>   once per certificate and threshold, so a
//                                 renewed certificate (a new sha256) starts afresh
//   grade_drop|<from>|<to>|<at>   once per drop (the stored grade moves on)
//   unreachable|<since>           once per outage (cleared by a good check)
import { daysText, dateText } from './dom.js';
import { explain } from './messages.js';

export const ALERT_DAYS = Object.freeze([30, 14, 7, 1]);

// Relay failures that say nothing about the site: raised once per outage for
// the whole watchlist, not per site.
export const RELAY_KINDS = new Set(['relay_down', 'unauthorized', 'relay_error', 'bad_response', 'not_found']);
// Failures that are nobody's fault and pass: recorded, never raised.
export const TRANSIENT_KINDS = new Set(['rate_limited']);

const graded = (report) => (report?.endpoints ?? []).filter((e) => !e.error && e.grade);

// Grade and expiry summary of a report: the earliest expiry on any endpoint's path.
export function summarise(report) {
  let earliest = null;
  let leaf = null;
  for (const ep of graded(report)) {
    const x = ep.expiry;
    if (!x) continue;
    if (earliest === null || x.earliest_days_left < earliest.earliest_days_left) earliest = x;
    if (leaf === null || x.leaf_days_left < leaf) leaf = x.leaf_days_left;
  }
  return {
    grade: report?.grade ?? null,
    daysLeft: earliest?.earliest_days_left ?? null,
    leafDaysLeft: leaf,
    notAfter: earliest?.earliest_not_after ?? null,
    subject: earliest?.earliest_subject ?? null,
  };
}

// The certificates that reach an alert threshold now, one per sha256 (a
// certificate served by several endpoints alerts once).
export function expiryAlerts(report, alertThreshold, now, alertDays = ALERT_DAYS) {
  const seen = new Map();
  for (const ep of graded(report)) {
    for (const cert of ep.chain?.certificates ?? []) {
      if (cert.role === 'extra' || !cert.sha256 || seen.has(cert.sha256)) continue;
      const notAfter = Date.parse(cert.not_after);
      if (!Number.isFinite(notAfter) || typeof cert.days_left !== 'number') continue;
      const expired = now > notAfter;
      const threshold = alertThreshold(cert.days_left, expired, Uint32Array.from(alertDays));
      if (threshold === undefined || threshold === null) continue;
      seen.set(cert.sha256, {
        kind: 'expiry', key: `expiry|${cert.sha256}|${threshold}`, threshold, expired,
        sha256: cert.sha256, days_left: cert.days_left, not_after: cert.not_after,
        subject: cert.subject, role: cert.role ?? 'leaf', ip: ep.ip,
      });
    }
  }
  return [...seen.values()];
}

const site = (entry) => `${entry.host}:${entry.port}`;

function whichCert(a, where) {
  if (a.role === 'intermediate') return `The intermediate certificate ${a.subject} that ${where} sends`;
  if (a.role === 'root') return `The root certificate ${a.subject} that ${where}'s chain ends at`;
  return `The certificate of ${where} (${a.subject})`;
}

// Notification text: what happened and what to do.
export function expiryText(entry, a) {
  const where = site(entry);
  const date = dateText(a.not_after);
  if (a.expired) {
    return {
      title: `${where}: certificate expired`,
      message: `${whichCert(a, where)} expired on ${date}; browsers now refuse the site. Renew it now and install the new certificate and chain on the server.`,
    };
  }
  const fix = a.role === 'leaf'
    ? `Renew before ${date} and install the new certificate on the server.`
    : `Install the CA's current chain before ${date} (or renew with one that does not use it).`;
  return {
    title: `${where}: certificate expires ${a.days_left <= 0 ? 'today' : `in ${a.days_left} day${a.days_left === 1 ? '' : 's'}`}`,
    message: `${whichCert(a, where)} expires on ${date} (${daysText(a.days_left)}). ${fix}`,
  };
}

export function gradeDropText(entry, from, to, report) {
  const worst = graded(report).find((e) => e.grade === to);
  const cap = worst?.caps?.[0];
  const why = cap?.reason ? `${cap.reason}. ` : '';
  const fix = cap?.fix ? `${cap.fix} ` : '';
  return {
    title: `${site(entry)}: grade dropped from ${from} to ${to}`,
    message: `${why}${fix}Open TLS Lens on ${site(entry)} for the details.`.trim(),
  };
}

export function unreachableText(entry, err, since) {
  const e = explain(err);
  return {
    title: `${site(entry)} could not be checked`,
    message: `${e.title} since ${new Date(since).toISOString().slice(0, 16).replace('T', ' ')} UTC: ${err?.message ?? err}. Check that the server is up and reachable from the relay; TLS Lens keeps trying and tells you once per outage.`,
  };
}

export function relayDownText(err, relayUrl, count) {
  const e = explain(err, { relayUrl });
  return {
    title: `TLS Lens: ${count} watched site${count === 1 ? '' : 's'} could not be checked`,
    message: `${e.title}. ${e.text}${e.command ? ` Command: ${e.command}` : ''}`,
  };
}

// A successful check: the new entry and the alerts to raise. `report` is the
// graded report; `core` gives the core's decisions: `alertThreshold`
// (alert_threshold) and `gradeDropped` (grade_dropped).
export function evaluateReport(entry, report, core, now) {
  const { alertThreshold, gradeDropped } = core;
  const summary = summarise(report);
  const alerts = [];
  const raised = { ...(entry.alerts ?? {}) };
  const current = expiryAlerts(report, alertThreshold, now);
  for (const a of current) {
    if (raised[a.key]) continue;
    alerts.push({ ...a, ...expiryText(entry, a) });
  }
  const from = entry.lastGrade;
  const to = summary.grade;
  if (from && to && gradeDropped(from, to)) {
    const key = `grade_drop|${from}|${to}|${now}`;
    alerts.push({ kind: 'grade_drop', key, from, to, ...gradeDropText(entry, from, to, report) });
  }
  // Keep only expiry keys of certificates still served (a renewed one starts
  // afresh; the list stays small), and the grade drops of the last 90 days.
  const shas = new Set(current.map((a) => a.sha256));
  for (const k of Object.keys(raised)) {
    const [kind, id] = k.split('|');
    if (kind === 'expiry' && !shas.has(id)) delete raised[k];
    else if (kind === 'grade_drop' && now - raised[k] > 90 * 86_400_000) delete raised[k];
    else if (kind === 'unreachable') delete raised[k];
  }
  for (const a of alerts) raised[a.key] = now;
  const { grade, ...expiry } = summary;
  const next = {
    ...entry,
    ...expiry,
    lastGrade: grade ?? entry.lastGrade ?? null,
    lastCheck: now,
    lastError: null,
    outageSince: null,
    outageNotified: false,
    alerts: raised,
  };
  return { entry: next, alerts };
}

// A failed check (err: RelayError-like {kind, message}). Site-level failures
// raise one `unreachable` alert per outage; relay-level and transient ones none
// here (the relay outage is raised once for the whole list by the watcher).
export function evaluateFailure(entry, err, now) {
  const kind = err?.kind ?? 'other';
  const next = { ...entry, lastCheck: now, lastError: { kind, message: String(err?.message ?? err), at: now } };
  const alerts = [];
  if (RELAY_KINDS.has(kind) || TRANSIENT_KINDS.has(kind)) return { entry: next, alerts };
  next.outageSince = entry.outageSince ?? now;
  if (!entry.outageNotified) {
    const key = `unreachable|${next.outageSince}`;
    next.outageNotified = true;
    next.alerts = { ...(entry.alerts ?? {}), [key]: now };
    alerts.push({ kind: 'unreachable', key, ...unreachableText(entry, err, next.outageSince) });
  }
  return { entry: next, alerts };
}
