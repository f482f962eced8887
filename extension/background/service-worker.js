// Background: a service worker in Chromium, an event page (module background
// script) in Firefox. It keeps the toolbar badge right as tabs navigate and,
// in Firefox, records the browser's own view of each page's TLS connection.
// It also re-checks the watchlist on an alarm and raises notifications
// (src/watcher.js).
// No state in globals (the worker comes and goes): everything is in storage.
// Listeners are registered synchronously at the top level so the browser can
// wake the worker for them.
import { browserApi, isFirefox } from '../src/compat.js';
import { getTabGrade, setTabGrade, showBadge, forgetTab } from '../src/badge.js';
import { getCached } from '../src/cache.js';
import { forgetBrowserView, startRecording } from '../src/browser-view.js';
import { registerWatcher, ensureAlarm } from '../src/watcher.js';

function keyOf(url) {
  try {
    const u = new URL(url);
    if (u.protocol !== 'https:') return null;
    return `${u.hostname.toLowerCase().replace(/\.$/, '')}:${u.port ? Number(u.port) : 443}`;
  } catch {
    return null;
  }
}

// On navigation: keep the grade when the site is the same, show a cached
// grade for a site scanned before, else clear the badge. Without the URL
// (no host access to the tab) the badge is cleared: it may be another site.
async function onNavigate(tabId, url) {
  const key = url ? keyOf(url) : null;
  const current = await getTabGrade(tabId);
  if (key && current?.key === key) {
    await showBadge(tabId, current.grade);
    return;
  }
  const cached = key ? await getCached(key) : null;
  if (cached?.grade) {
    await setTabGrade(tabId, key, cached.grade);
  } else {
    await forgetTab(tabId);
    await showBadge(tabId, null);
  }
}

browserApi.tabs.onUpdated.addListener((tabId, changeInfo, tab) => {
  if (changeInfo.status === 'loading' || changeInfo.url) {
    onNavigate(tabId, changeInfo.url ?? tab?.url).catch(() => {});
  }
});

browserApi.tabs.onRemoved.addListener((tabId) => {
  forgetTab(tabId).catch(() => {});
  forgetBrowserView(tabId).catch(() => {});
});

browserApi.runtime.onInstalled.addListener(() => {
  // Settings have defaults in code (src/settings.js); only the alarm is made.
  ensureAlarm().catch(() => {});
});

registerWatcher();

if (isFirefox) startRecording();
