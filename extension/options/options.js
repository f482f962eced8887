// Options: relay URL (a custom one gets its host permission at run time),
// token, cache lifetime; a test-connection button (GET /healthz).
import { browserApi } from '../src/compat.js';
import { loadSettings, saveSettings, normaliseRelayUrl, relayOriginPattern, DEFAULTS } from '../src/settings.js';
import { checkHealth } from '../src/relay.js';
import { explain } from '../src/messages.js';

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
}

function read() {
  const relayUrl = normaliseRelayUrl($('relay-url').value || DEFAULTS.relayUrl);
  const minutes = Number($('cache-minutes').value);
  if (!Number.isFinite(minutes) || minutes < 0) throw new Error('The cache lifetime must be a number of minutes, 0 or more.');
  return { relayUrl, token: $('token').value.trim(), cacheMinutes: Math.round(minutes) };
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

async function main() {
  fill(await loadSettings());
  $('form').addEventListener('submit', onSave);
  $('test').addEventListener('click', onTest);
  $('reset').addEventListener('click', () => {
    fill(DEFAULTS);
    say('Defaults restored; press Save to keep them.');
  });
  document.documentElement.dataset.ready = 'true';
}

main();
