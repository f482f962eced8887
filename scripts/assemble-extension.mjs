#!/usr/bin/env node
// Assembles the unpacked extensions dist/chromium/ and dist/firefox/ from
// extension/ and the optimised WASM core in build/wasm/.
//
//   manifest.json = manifest.base.json deep-merged with manifest.<browser>.json
//                   (objects merge key by key, anything else is replaced),
//                   plus "version" from [workspace.package] in Cargo.toml.
//   everything else in extension/ is copied as is; build/wasm/tlslens_core.js,
//   tlslens_core_bg.wasm and root-stores.bin go to wasm/.
//
// Each browser's tree is built beside the old one and swapped in at the end,
// so a half-written dist/ is never left behind. Usage: node scripts/assemble-extension.mjs
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const extDir = path.join(root, 'extension');
const wasmDir = path.join(root, 'build', 'wasm');
const distDir = path.join(root, 'dist');
const BROWSERS = ['chromium', 'firefox'];
const WASM_FILES = ['tlslens_core.js', 'tlslens_core_bg.wasm', 'root-stores.bin'];

function fail(msg) {
  console.error(`assemble-extension: ERROR: ${msg}`);
  process.exit(1);
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    fail(`${path.relative(root, file)}: ${err.message}`);
  }
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function merge(base, overlay) {
  const out = { ...base };
  for (const [k, v] of Object.entries(overlay)) {
    out[k] = isObject(v) && isObject(out[k]) ? merge(out[k], v) : v;
  }
  return out;
}

// [workspace.package] version = "X.Y.Z" from the root Cargo.toml.
function workspaceVersion() {
  const toml = fs.readFileSync(path.join(root, 'Cargo.toml'), 'utf8');
  let section = '';
  for (const line of toml.split('\n')) {
    const s = line.trim();
    const h = s.match(/^\[([^\]]+)\]$/);
    if (h) { section = h[1].trim(); continue; }
    const m = s.match(/^version\s*=\s*"([^"]+)"/);
    if (m && section === 'workspace.package') return m[1];
  }
  fail('no version in [workspace.package] of Cargo.toml');
}

// Browsers take 1-4 dot-separated integers; drop any pre-release suffix.
function manifestVersion(v) {
  const m = v.match(/^(\d+)\.(\d+)\.(\d+)/);
  if (!m) fail(`cannot turn version ${v} into a manifest version`);
  return `${Number(m[1])}.${Number(m[2])}.${Number(m[3])}`;
}

// Files the manifest points at, to check that they exist.
function referencedFiles(manifest) {
  const files = [];
  const bg = manifest.background ?? {};
  if (bg.service_worker) files.push(bg.service_worker);
  files.push(...(bg.scripts ?? []));
  if (manifest.action?.default_popup) files.push(manifest.action.default_popup);
  files.push(...Object.values(manifest.action?.default_icon ?? {}));
  files.push(...Object.values(manifest.icons ?? {}));
  if (manifest.options_ui?.page) files.push(manifest.options_ui.page);
  return files;
}

for (const f of WASM_FILES) {
  if (!fs.existsSync(path.join(wasmDir, f))) fail(`build/wasm/${f} missing: run scripts/build.sh`);
}
const base = readJson(path.join(extDir, 'manifest.base.json'));
const version = manifestVersion(workspaceVersion());
fs.mkdirSync(distDir, { recursive: true });

for (const browser of BROWSERS) {
  const overlay = readJson(path.join(extDir, `manifest.${browser}.json`));
  const manifest = merge(base, overlay);
  manifest.version = version;

  const out = path.join(distDir, browser);
  const tmp = path.join(distDir, `.${browser}.tmp`);
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.cpSync(extDir, tmp, {
    recursive: true,
    filter: (src) => !/^manifest\..*\.json$/.test(path.basename(src)) || path.dirname(src) !== extDir,
  });
  fs.writeFileSync(path.join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  fs.mkdirSync(path.join(tmp, 'wasm'), { recursive: true });
  for (const f of WASM_FILES) fs.copyFileSync(path.join(wasmDir, f), path.join(tmp, 'wasm', f));

  const missing = referencedFiles(manifest).filter((f) => !fs.existsSync(path.join(tmp, f)));
  if (missing.length) fail(`${browser}: manifest.json refers to missing files: ${missing.join(', ')}`);

  fs.rmSync(out, { recursive: true, force: true });
  fs.renameSync(tmp, out);
  console.error(`assemble-extension: dist/${browser}/ (version ${version})`);
}
