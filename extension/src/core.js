// Loads the TLS Lens WebAssembly core (built by `npm run build` into
// dist/<browser>/wasm/) once per page and hands out its exports:
//   version() -> string, policy_id() -> string, policy_json() -> string,
//   grade(facts_json, now_ms) -> report JSON string,
//   parse_chain(pem_or_base64_der, host | undefined, now_ms) -> string,
//   trust_summary(chain_trust_json) -> {"trusted", "untrusted", "text"} JSON,
//   grade_with(facts_json, now_ms, options_json) -> report JSON with
//     `compliance` / `fix` ({"profile": "mozilla-intermediate", "fix": true}),
//   fix_plan(report_json, ip, goal) -> fix plan JSON (goal "A+" or a profile),
//   profiles_json() -> Mozilla's profiles (version 5.7) as JSON.
//
// After the module, wasm/root-stores.bin is loaded into it: the anchors of
// every root store, Mozilla's included (the module compiles none in, to stay
// within its size budget), which trust and the per-store verdicts (report
// `chain.trust`) need. It is part of the build: failing to load it
// fails like a broken module.
//
// The glue is imported dynamically so that a missing or broken build becomes
// a rejected promise the page can show, not a module that silently fails.
// Chromium service workers cannot use import(): there, import the glue
// statically (`import init, * as core from '../wasm/tlslens_core.js'`).
import { loadRootStores } from './root-stores.js';

let loading;

export function loadCore() {
  loading ??= (async () => {
    const core = await import('../wasm/tlslens_core.js');
    await core.default(); // fetches tlslens_core_bg.wasm next to the glue
    await loadRootStores(core);
    return core;
  })();
  return loading;
}

