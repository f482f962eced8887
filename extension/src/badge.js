// The toolbar badge: the grade of the tab's site, colour-coded. The grade per
// tab is kept in storage (session where available) as `tab:<id>` =
// {key, grade}, never in background globals (the worker is short-lived).
import { actionApi, tabStorage } from './compat.js';
import { gradeColour } from './grades.js';

const tabKey = (tabId) => `tab:${tabId}`;

export async function showBadge(tabId, grade) {
  if (tabId === null || tabId === undefined || !actionApi) return;
  try {
    await actionApi.setBadgeText({ tabId, text: grade ?? '' });
    if (grade) {
      await actionApi.setBadgeBackgroundColor({ tabId, color: gradeColour(grade) });
      await actionApi.setBadgeTextColor?.({ tabId, color: '#ffffff' });
      await actionApi.setTitle({ tabId, title: `TLS Lens: server configuration grade ${grade}` });
    } else {
      await actionApi.setTitle({ tabId, title: 'TLS Lens' });
    }
  } catch {
    // the tab is gone
  }
}

// Remembers and shows the grade of `key` (host:port) for a tab.
export async function setTabGrade(tabId, key, grade) {
  if (tabId === null || tabId === undefined) return;
  await tabStorage.set({ [tabKey(tabId)]: { key, grade } });
  await showBadge(tabId, grade);
}

export async function getTabGrade(tabId) {
  const got = await tabStorage.get(tabKey(tabId));
  return got?.[tabKey(tabId)] ?? null;
}

export async function forgetTab(tabId) {
  await tabStorage.remove(tabKey(tabId));
}
