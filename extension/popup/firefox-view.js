// Firefox only: the browser's own view (webRequest.getSecurityInfo, recorded
// by the background) beside the relay's; with no relay result, a partial
// grade of what the browser saw.
import { browserApi } from '../src/compat.js';
import { getBrowserView, partialFacts } from '../src/browser-view.js';
import { renderBrowserView } from '../src/render-firefox.js';
import { h, clear } from '../src/dom.js';

export async function show(state, box) {
  clear(box);
  const view = await getBrowserView(state.tabId, state.target);
  if (!view) {
    const origin = `https://${state.target.hostname}/*`;
    const granted = await browserApi.permissions.contains({ origins: [origin] }).catch(() => false);
    box.append(h('section', { class: 'browser-view', 'aria-label': 'What Firefox saw' },
      h('h2', null, 'What Firefox saw'),
      granted
        ? h('p', { class: 'muted' }, 'Reload the page to record Firefox’s own view of this connection.')
        : [h('p', { class: 'muted' }, 'TLS Lens can also show the connection Firefox itself made (protocol, cipher, the chain it built) and check that it got the same certificate as the relay. This needs access to this site; nothing is sent anywhere.'),
          h('button', { type: 'button', class: 'button small', onclick: async () => {
            const ok = await browserApi.permissions.request({ origins: [origin] }).catch(() => false);
            if (ok && state.tabId !== null) browserApi.tabs.reload(state.tabId);
            window.close();
          } }, 'Allow and reload the page')]));
    return;
  }
  let partial = null;
  if (!state.report || state.source === 'cache' && state.relayFailed) {
    try {
      partial = JSON.parse(state.core.grade(JSON.stringify(partialFacts(view, state.target)), Date.now()));
    } catch (err) {
      console.warn('TLS Lens: partial grade failed', err);
    }
  }
  box.append(renderBrowserView(view, state.report, partial));
}
