// The popup: loads the WASM core and shows what it inspects. The scan itself
// (relay call, grade, chain, endpoints) is added on top of this skeleton.
import { browserApi } from '../src/compat.js';
import { loadCore } from '../src/core.js';
import { parseTarget, targetUrl } from '../src/target.js';

const $ = (id) => document.getElementById(id);

// Shows a failure in the element tests and people look for: data-testid="error".
function showError(message) {
  let el = document.querySelector('[data-testid="error"]');
  if (!el) {
    el = document.createElement('p');
    el.className = 'error';
    el.setAttribute('data-testid', 'error');
    el.setAttribute('role', 'alert');
    $('main').append(el);
  }
  el.textContent = el.textContent ? `${el.textContent}\n${message}` : message;
}

async function showTarget() {
  const url = await targetUrl(browserApi);
  if (!url) {
    $('host').textContent = 'no page';
    return null;
  }
  try {
    const target = parseTarget(url);
    $('host').textContent = target.display;
    return target;
  } catch (err) {
    $('host').textContent = '—';
    showError(err.message);
    return null;
  }
}

async function showCore() {
  try {
    const core = await loadCore();
    $('core-version').textContent = `tlslens-core ${core.version()} · policy ${core.policy_id()}`;
    return core;
  } catch (err) {
    showError(`The TLS Lens core (WebAssembly) failed to load: ${err?.message ?? err}`);
    return null;
  }
}

async function main() {
  const [target, core] = await Promise.all([showTarget(), showCore()]);
  if (!core) {
    $('status').textContent = 'Unavailable.';
  } else if (target) {
    $('status').textContent = 'Ready.';
  } else if (document.querySelector('[data-testid="error"]')) {
    $('status').textContent = 'Nothing to inspect here.';
  } else {
    $('status').textContent = 'Open a web site and click TLS Lens to inspect it.';
  }
  document.documentElement.dataset.ready = 'true';
}

main();
