// The WASM core in the background. Chromium service workers cannot use
// import(), so the glue is imported statically here (src/core.js, with its
// dynamic import, is for pages). init() fetches tlslens_core_bg.wasm next to
// the glue, once per worker start; then wasm/root-stores.bin is loaded into it
// (see src/core.js).
import init, * as core from '../wasm/tlslens_core.js';
import { loadRootStores } from './root-stores.js';

const {
  grade, alert_threshold: alertThreshold, grade_dropped: gradeDropped, version,
} = core;

let ready;

export function workerCore() {
  ready ??= init().then(() => loadRootStores(core)).then(() => ({ grade, alertThreshold, gradeDropped, version }), (err) => {
    ready = undefined; // try again on the next check
    throw err;
  });
  return ready;
}
