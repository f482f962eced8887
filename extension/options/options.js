// Options: relay URL (a custom one gets its host permission at run time),
// token, cache lifetime, watch interval; a test-connection button (GET
// /healthz); the watched sites with their last result, removable.
import { browserApi } from '../src/compat.js';
import { loadSettings, saveSettings, normaliseRelayUrl, relayOriginPattern, DEFAULTS, WATCH_HOURS_MIN, WATCH_HOURS_MAX } from '../src/settings.js';
import { checkHealth } from '../src/relay.js';
import { explain } from '../src/messages.js';
import { getWatchlist, removeWatch, WATCHLIST } from '../src/watchlist.js';
import { h, clear, daysText, dateText, ago } from '../src/dom.js';
import { gradeColour } from '../src/grades.js';

const $ = (id) => document.getElementById(id);

function say(text, ok) {
  const m = $('message');
  m.textContent = text;
  m.className = ok === undefined ? '' : ok ? 'ok' : 'bad';
}

function fill(s) {
  $('relay-url').value = s.relayUrl;
  $('token').value = s.token;
  $('cache-minutes').value = String(s.cacheMinutes);
  $('watch-hours').value = String(s.watchHours);
}

function read() {
  const relayUrl = normaliseRelayUrl($('relay-url').value || DEFAULTS.relayUrl);
  const minutes = Number($('cache-minutes').value);
  if (!Number.isFinite(minutes) || minutes < 0) throw new Error('The cache lifetime must be a number of minutes, 0 or more.');
  const hours = Number($('watch-hours').value);
  if (!Number.isFinite(hours) || hours < WATCH_HOURS_MIN || hours > WATCH_HOURS_MAX) {
    throw new Error(`Watched sites are re-checked every ${WATCH_HOURS_MIN} to ${WATCH_HOURS_MAX} hours.`);
  }
  return { relayUrl, token: $('token').value.trim(), cacheMinutes: Math.round(minutes), watchHours: Math.round(hours) };
}

// Asks for the host permission of a relay other than the default one. Must
// run in the click handler (a user gesture).
async function ensurePermission(relayUrl) {
  const origins = [relayOriginPattern(relayUrl)];
  if (await browserApi.permissions.contains({ origins }).catch(() => false)) return true;
  try {
    return await browserApi.permissions.request({ origins });
  } catch {
    return false;
  }
}

async function onSave(ev) {
  ev.preventDefault();
  let s;
  try {
    s = read();
  } catch (err) {
    say(err.message, false);
    return;
  }
  const granted = await ensurePermission(s.relayUrl);
  await saveSettings(s);
  fill(s);
  say(granted ? 'Saved.' : `Saved. The browser did not grant access to ${new URL(s.relayUrl).host}; the relay must allow this extension by CORS (a TLS Lens relay does).`, true);
}

async function onTest() {
  let s;
  try {
    s = read();
  } catch (err) {
    say(err.message, false);
    return;
  }
  say(`Testing ${s.relayUrl}…`);
  try {
    const { ms } = await checkHealth(s);
    say(`✓ The relay at ${s.relayUrl} answers (${ms} ms).`, true);
  } catch (err) {
    const e = explain(err, { relayUrl: s.relayUrl });
    say(`✗ ${e.title}: ${e.text}${e.command ? ` Command: ${e.command}` : ''}`, false);
  }
}

// The watched sites, drawn again whenever storage changes (a check finished,
// the popup added one).
function watchRow(key, w) {
  const now = Date.now();
  const grade = w.lastGrade;
  const days = w.daysLeft;
  const error = w.lastError ? explain(w.lastError).title : null;
  const remove = h('button', { type: 'button', class: 'ghost small', 'data-testid': 'watch-remove', 'aria-label': `Stop watching ${key}` }, 'Remove');
  remove.addEventListener('click', async () => {
    await removeWatch(key);
    $('watch-message').textContent = `No longer watching ${key}.`;
    document.getElementById('check-now').focus();
  });
  return h('tr', { 'data-testid': 'watch-row', 'data-key': key },
    h('th', { scope: 'row', class: 'site' }, key),
    h('td', { 'data-testid': 'watch-grade' }, grade ? h('span', { class: 'chip', style: { background: gradeColour(grade) } }, grade) : '—'),
    h('td', { 'data-testid': 'watch-days', class: days !== null && days !== undefined && days <= 30 ? 'days-warn' : '' },
      days === null || days === undefined ? '—' : daysText(days),
      w.notAfter ? h('span', { class: 'help' }, `${w.subject ? `${w.subject}, ` : ''}until ${dateText(w.notAfter)}`) : null),
    error
      ? h('td', { 'data-testid': 'watch-checked', class: 'error' }, `${error} (${w.lastError.message})`, h('span', { class: 'help' }, w.lastCheck ? ago(now - w.lastCheck) : ''))
      : h('td', { 'data-testid': 'watch-checked' }, w.lastCheck ? ago(now - w.lastCheck) : 'not yet'),
    h('td', null, remove));
}

async function showWatchlist() {
  const list = await getWatchlist();
  const keys = Object.keys(list).sort();
  const rows = clear($('watch-rows'));
  for (const k of keys) rows.append(watchRow(k, list[k]));
  $('watch-table').hidden = keys.length === 0;
  $('watch-empty').hidden = keys.length > 0;
  $('check-now').disabled = keys.length === 0;
}

async function onCheckNow() {
  const button = $('check-now');
  button.disabled = true;
  $('watch-message').textContent = 'Checking the watched sites…';
  try {
    const r = await browserApi.runtime.sendMessage({ type: 'watch:run' });
    $('watch-message').textContent = r?.ok ? `Checked ${r.checked} site${r.checked === 1 ? '' : 's'}.` : `The check failed: ${r?.error ?? 'no answer from the background'}`;
  } catch (err) {
    $('watch-message').textContent = `The check failed: ${err?.message ?? err}`;
  } finally {
    button.disabled = false;
  }
}

async function main() {
  fill(await loadSettings());
  await showWatchlist();
  browserApi.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && changes[WATCHLIST]) showWatchlist();
  });
  $('check-now').addEventListener('click', onCheckNow);
  $('form').addEventListener('submit', onSave);
  $('test').addEventListener('click', onTest);
  $('reset').addEventListener('click', () => {
    fill(DEFAULTS);
    say('Defaults restored; press Save to keep them.');
  });
  document.documentElement.dataset.ready = 'true';
}

main();
