// The WASM core in the background. Chromium service workers cannot use
// import(), so the glue is imported statically here (src/core.js, with its
// dynamic import, is for pages). init() fetches tlslens_core_bg.wasm next to
// the glue, once per worker start.
import init, {
  grade, alert_threshold as alertThreshold, grade_dropped as gradeDropped, version,
} from '../wasm/tlslens_core.js';

let ready;

export function workerCore() {
  ready ??= init().then(() => ({ grade, alertThreshold, gradeDropped, version }), (err) => {
    ready = undefined; // try again on the next check
    throw err;
  });
  return ready;
}
