// The popup: what to inspect → cached result at once → relay scan (SSE
// progress, then /v1/facts graded in WASM) → render; Firefox adds the
// browser's own view. All analysis comes from the core; this is glue.
import { browserApi, isFirefox } from '../src/compat.js';
import { loadCore } from '../src/core.js';
import { parseTarget, targetUrl } from '../src/target.js';
import { loadSettings } from '../src/settings.js';
import { scan, RelayError } from '../src/relay.js';
import { getCached, putCached, isFresh } from '../src/cache.js';
import { explain } from '../src/messages.js';
import { setTabGrade } from '../src/badge.js';
import { addWatch, removeWatch, isWatched } from '../src/watchlist.js';
import { summarise } from '../src/watch-alerts.js';
import { h, clear } from '../src/dom.js';
import { renderSummary, renderRules, renderEndpoints, renderProtocols, renderDetails, renderNoSni, renderProtocolDetails, renderWeaknesses } from '../src/render-report.js';
import { renderChain } from '../src/render-chain.js';
import { renderClients } from '../src/render-clients.js';
import { renderFix, fixPlan, fixGoals } from '../src/render-fix.js';

const $ = (id) => document.getElementById(id);
const state = { target: null, tabId: null, settings: null, core: null, report: null, selected: 0, source: null, savedAt: 0, scanning: null, relayFailed: false, fixGoal: 'A+', fixSoftware: 'nginx' };

function setStatus(text) {
  $('status').textContent = text;
}

function showProgress(p) {
  const box = $('progress-box');
  if (!p) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  const bar = $('progress');
  if (p.total > 0) {
    bar.max = p.total;
    bar.value = Math.min(p.done, p.total);
  } else {
    bar.removeAttribute('value');
  }
  setStatus(p.total > 0 ? `Scanning… ${p.done}/${p.total}: ${p.step}` : `Scanning… ${p.step ?? ''}`);
}

function clearErrors() {
  clear($('errors'));
}

// A failure, explained, in data-testid="error", with what to do.
function showError(err) {
  const e = explain(err, { relayUrl: state.settings?.relayUrl });
  const box = h('div', { class: 'error', 'data-testid': 'error', role: 'alert', 'data-kind': err?.kind ?? 'other' },
    h('p', { class: 'error-title' }, e.title),
    h('p', null, e.text),
    e.command ? h('p', null, h('code', { class: 'command', 'data-testid': 'error-command' }, e.command),
      ' ', h('button', { type: 'button', class: 'button ghost small', onclick: (ev) => copy(e.command, ev.currentTarget) }, 'Copy')) : null,
    e.options ? h('p', null, h('button', { type: 'button', class: 'button ghost small', onclick: openOptions }, 'Open the options')) : null,
    e.action ? h('p', null, h('button', { type: 'button', class: 'button small', onclick: () => restart(e.action.url) }, e.action.label)) : null);
  $('errors').append(box);
}

async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = 'Copied';
  } catch {
    button.textContent = 'Select and copy';
  }
}

function openOptions() {
  browserApi.runtime.openOptionsPage?.();
}

// Grades facts in WASM at now; the report object.
function gradeFacts(facts) {
  try {
    return JSON.parse(state.core.grade(facts, Date.now()));
  } catch (err) {
    throw Object.assign(new Error(`The core could not grade the relay's facts: ${err?.message ?? err}`), { kind: 'grade_failed' });
  }
}

function firstGraded(report) {
  const i = (report.endpoints ?? []).findIndex((e) => e.grade);
  return i < 0 ? 0 : i;
}

// "How to fix" for the endpoint shown; a new goal or server software replaces
// just this section (and keeps the focus on the control that changed it).
function fixSection(report, ep) {
  const plan = fixPlan(state.core, report, ep, state.fixGoal);
  const section = renderFix(plan, {
    goals: fixGoals(state.core),
    goal: state.fixGoal,
    software: state.fixSoftware,
    onGoal: (goal) => {
      state.fixGoal = goal;
      section.replaceWith(fixSection(report, ep));
      document.getElementById('fix-goal')?.focus();
    },
    onSoftware: (software, { focus } = {}) => {
      state.fixSoftware = software;
      section.replaceWith(fixSection(report, ep));
      if (focus) document.getElementById(`fix-tab-${software}`)?.focus();
    },
    onCopy: copy,
  });
  return section;
}

function render() {
  const root = clear($('result'));
  const report = state.report;
  if (!report) return;
  const ep = report.endpoints?.[state.selected] ?? null;
  root.append(renderSummary(report, ep, { source: state.source, savedAt: state.savedAt }));
  root.append(renderEndpoints(report, state.selected, (i) => {
    state.selected = i;
    render();
    document.querySelector('.endpoint.selected button')?.focus();
  }));
  if (ep?.error) {
    root.append(h('p', { class: 'alert' }, `This endpoint could not be scanned: ${ep.error.message ?? ep.error.code}`));
  } else if (ep) {
    root.append(renderRules(ep));
    const clients = renderClients(ep);
    if (clients) root.append(clients);
    root.append(fixSection(report, ep));
    root.append(renderChain(ep.chain, { core: state.core, notMeasured: (ep.not_measured ?? []).includes('chain') }));
    const noSni = renderNoSni(ep);
    if (noSni) root.append(noSni);
    root.append(renderProtocols(ep));
    root.append(renderDetails(ep));
    for (const section of [renderProtocolDetails(ep), renderWeaknesses(ep)]) if (section) root.append(section);
  }
  document.documentElement.dataset.grade = report.grade ?? '';
}

// Shows a result (fresh or cached) and records the tab's badge.
function showResult(report, source, savedAt) {
  state.report = report;
  state.source = source;
  state.savedAt = savedAt;
  state.selected = Math.min(state.selected, Math.max(0, (report.endpoints?.length ?? 1) - 1));
  if (source !== 'cache') state.selected = firstGraded(report);
  render();
  if (!document.documentElement.dataset.gradeMs) {
    document.documentElement.dataset.gradeMs = String(Math.round(performance.now()));
  }
  setTabGrade(state.tabId, state.target.key, report.grade ?? null).catch(() => {});
}

async function runScan({ fresh }) {
  if (state.scanning) return state.scanning;
  $('rescan').disabled = true;
  $('rescan').setAttribute('aria-busy', 'true');
  clearErrors();
  state.relayFailed = false;
  showProgress({ done: 0, total: 0, step: 'asking the relay' });
  state.scanning = (async () => {
    try {
      const { facts, report } = await scan(state.settings, state.target, { fresh, onProgress: showProgress });
      const graded = facts ? gradeFacts(facts) : report;
      await putCached(state.target.key, { ...(facts ? { facts } : { report }), grade: graded.grade ?? null });
      showResult(graded, facts ? 'relay' : 'relay-report', Date.now());
      setStatus(`Scanned ${state.target.display}: grade ${graded.grade ?? 'none'}.`);
    } catch (err) {
      state.relayFailed = true;
      showError(err);
      setStatus(state.report ? 'The rescan failed; showing the earlier result.' : 'No result.');
    } finally {
      showProgress(null);
      $('rescan').disabled = false;
      $('rescan').removeAttribute('aria-busy');
      state.scanning = null;
    }
  })();
  return state.scanning;
}

async function showCore() {
  try {
    const core = await loadCore();
    $('core-version').textContent = `tlslens-core ${core.version()} · policy ${core.policy_id()}`;
    return core;
  } catch (err) {
    showError({ kind: 'core', message: `The TLS Lens core (WebAssembly) failed to load: ${err?.message ?? err}. Rebuild (npm run build) and reload the extension.` });
    return null;
  }
}

async function resolveTarget(urlOverride) {
  const found = urlOverride ? { url: urlOverride, tabId: state.tabId } : await targetUrl(browserApi);
  if (!found) {
    $('host').textContent = 'no page';
    setStatus('Open a web site and click TLS Lens to inspect it.');
    return null;
  }
  state.tabId = found.tabId;
  try {
    const target = parseTarget(found.url, { allowHttp: Boolean(urlOverride) });
    $('host').textContent = target.display;
    return target;
  } catch (err) {
    let shown = '—';
    try { shown = new URL(found.url).host || found.url; } catch { /* keep the dash */ }
    $('host').textContent = shown;
    showError(err);
    setStatus('Nothing to inspect here.');
    return null;
  }
}

// The Firefox-only part, loaded on demand so Chromium never evaluates it.
async function showBrowserView() {
  if (!isFirefox || !state.target) return;
  try {
    const mod = await import('./firefox-view.js');
    await mod.show(state, $('browser'));
  } catch (err) {
    console.warn('TLS Lens: browser view unavailable', err);
  }
}

// "Watch this site": the worker re-checks it on an alarm (src/watcher.js).
function watchHelp(watched) {
  const every = `every ${state.settings?.watchHours ?? 12} h`;
  return watched
    ? `Watched: re-checked ${every}. You are notified 30, 14, 7 and 1 days before a certificate expires, when the grade drops, and when the site cannot be checked. The list is in the options.`
    : `Re-checked ${every}; you are notified 30, 14, 7 and 1 days before a certificate expires and when the grade drops.`;
}

async function showWatch() {
  const box = $('watch-box');
  if (!state.target) {
    box.hidden = true;
    return;
  }
  const watched = await isWatched(state.target.key).catch(() => false);
  $('watch').checked = watched;
  $('watch-help').textContent = watchHelp(watched);
  box.hidden = false;
}

async function onWatchChange(ev) {
  const input = ev.currentTarget;
  const target = state.target;
  if (!target) return;
  input.disabled = true;
  try {
    if (input.checked) {
      const seed = state.report ? summarise(state.report) : {};
      await addWatch(target.hostname, target.port, seed);
      setStatus(`Watching ${target.display}.`);
    } else {
      await removeWatch(target.key);
      setStatus(`No longer watching ${target.display}.`);
    }
    $('watch-help').textContent = watchHelp(input.checked);
    document.documentElement.dataset.watched = String(input.checked);
  } catch (err) {
    input.checked = !input.checked;
    setStatus(`Could not change the watchlist: ${err?.message ?? err}`);
  } finally {
    input.disabled = false;
  }
}

async function restart(url) {
  clearErrors();
  clear($('result'));
  clear($('browser'));
  state.report = null;
  state.target = await resolveTarget(url);
  await showWatch();
  if (state.target && state.core) await start();
}

async function start() {
  const entry = await getCached(state.target.key);
  let shown = false;
  if (entry) {
    try {
      const report = entry.facts ? gradeFacts(entry.facts) : entry.report;
      showResult(report, 'cache', entry.savedAt);
      shown = true;
      setStatus(`Cached result for ${state.target.display}.`);
    } catch { /* a stale format: scan again */ }
  }
  $('rescan').disabled = false;
  document.documentElement.dataset.ready = 'true';
  if (!shown || !isFresh(entry, state.settings.cacheMinutes)) await runScan({ fresh: false });
  showBrowserView();
  document.documentElement.dataset.done = 'true';
}

async function main() {
  $('rescan').addEventListener('click', () => state.target && runScan({ fresh: true }).then(showBrowserView));
  $('open-options').addEventListener('click', openOptions);
  $('watch').addEventListener('change', onWatchChange);
  const [target, core, settings] = await Promise.all([resolveTarget(), showCore(), loadSettings()]);
  state.target = target;
  state.core = core;
  state.settings = settings;
  await showWatch();
  if (!core || !target) {
    if (!core) setStatus('Unavailable.');
    document.documentElement.dataset.ready = 'true';
    document.documentElement.dataset.done = 'true';
    return;
  }
  await start();
}

export { RelayError };
main();
