// Loads the built WASM core (build/wasm/, from `npm run build`) into Node,
// synchronously, with the same glue the extension uses.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WASM_DIR = path.join(ROOT, 'build', 'wasm');
const GLUE = path.join(WASM_DIR, 'tlslens_core.js');
const BINARY = path.join(WASM_DIR, 'tlslens_core_bg.wasm');
const ROOT_STORES = path.join(WASM_DIR, 'root-stores.bin');

export async function loadCore() {
  for (const f of [GLUE, BINARY, ROOT_STORES]) {
    if (!fs.existsSync(f)) {
      throw new Error(`${path.relative(ROOT, f)} is missing: run \`npm run build\` first`);
    }
  }
  const core = await import(GLUE);
  core.initSync({ module: fs.readFileSync(BINARY) });
  core.load_root_stores(fs.readFileSync(ROOT_STORES)); // as src/core.js does
  return core;
}

// Calls fn(...args, now) with now_ms as a Number, or as a BigInt when the
// binding was generated for a Rust i64/u64 (wasm-bindgen maps those to BigInt).
export function callWithNow(fn, args, nowMs) {
  try {
    return fn(...args, nowMs);
  } catch (err) {
    if (err instanceof TypeError && /BigInt/i.test(err.message)) {
      return fn(...args, BigInt(nowMs));
    }
    throw err;
  }
}
