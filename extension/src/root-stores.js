// Loads wasm/root-stores.bin (built beside the WASM module) into a core: the
// anchors of every root store, Mozilla's included, which the module does not
// compile in and trust and the per-store verdicts (report `chain.trust`) need. Shared by pages
// (src/core.js) and the service worker (src/worker-core.js); no dynamic
// import() here, Chromium service workers refuse it.
export async function loadRootStores(core) {
  const url = new URL('../wasm/root-stores.bin', import.meta.url);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url.pathname}: HTTP ${res.status}`);
  core.load_root_stores(new Uint8Array(await res.arrayBuffer()));
}
