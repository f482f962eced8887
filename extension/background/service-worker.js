// Background: a service worker in Chromium, an event page (background
// script, module) in Firefox. Nothing is scheduled yet: the badge, alarms and
// expiry notifications are added here. Keep listener registration synchronous
// and at the top level so the browser can wake the worker for the events.
import { browserApi } from '../src/compat.js';

browserApi.runtime.onInstalled.addListener(() => {
  // Defaults for storage and the monitoring alarms will be set here.
});
