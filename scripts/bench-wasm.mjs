// Times the WASM core under Node: grading the committed 3-certificate parity
// fixture (`good`) through the exported `grade`, the same call the popup makes.
// Run after `npm run build`:  node scripts/bench-wasm.mjs [ITERATIONS]
import fs from 'node:fs';
import path from 'node:path';
import { loadCore, ROOT } from '../tests/wasm/core.mjs';

const iterations = Number(process.argv[2] ?? 2000);
const core = await loadCore();
const dir = path.join(ROOT, 'wasm-core', 'tests', 'fixtures', 'parity');
const facts = fs.readFileSync(path.join(dir, 'good.facts.json'), 'utf8');
const now = 1_800_000_000_123.75;

// The first call parses the bundled Mozilla roots once (a popup pays it once).
let t0 = process.hrtime.bigint();
core.grade(facts, now);
const firstMs = Number(process.hrtime.bigint() - t0) / 1e6;

for (let i = 0; i < 50; i++) core.grade(facts, now); // warm-up
const samples = [];
for (let i = 0; i < iterations; i++) {
  t0 = process.hrtime.bigint();
  core.grade(facts, now);
  samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
samples.sort((a, b) => a - b);
const pct = (p) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))];
const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
console.log(`wasm grade (3-certificate chain), node ${process.version}, ${iterations} runs`);
console.log(`  first call (parses the root store): ${firstMs.toFixed(2)} ms`);
console.log(`  mean ${mean.toFixed(3)} ms, p50 ${pct(0.5).toFixed(3)} ms, p99 ${pct(0.99).toFixed(3)} ms`);
