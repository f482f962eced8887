// The WASM core as the extension sees it: the wasm-bindgen glue and the
// wasm-opt'ed module from build/wasm/, loaded in Node.
//
// The parity test checks that the WASM build grades exactly like the native
// build: the Rust tests write, for each case NAME, into target/parity/
//   NAME.facts.json   the ScanFacts given to the core
//   NAME.now          the now_ms used (an integer, milliseconds since the epoch)
//   NAME.report.json  the report JSON the native `grade` returned, byte for byte
// and here `grade(facts, now)` in WASM must return the same bytes.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, loadCore, callWithNow } from './core.mjs';

const PARITY_DIR = path.join(ROOT, 'target', 'parity');

let core;
before(async () => {
  core = await loadCore();
});

describe('bindings', () => {
  test('exports the documented functions', () => {
    for (const name of ['version', 'policy_id', 'policy_json', 'grade', 'parse_chain', 'grade_order', 'grade_dropped', 'alert_threshold',
      'load_root_stores', 'root_stores_loaded', 'trust_summary']) {
      assert.equal(typeof core[name], 'function', `core.${name} is not exported`);
    }
  });

  test('version() is a non-empty string', () => {
    const v = core.version();
    assert.equal(typeof v, 'string');
    assert.ok(v.trim().length > 0, 'version() is empty');
  });

  test('policy_id() is a non-empty string', () => {
    const id = core.policy_id();
    assert.equal(typeof id, 'string');
    assert.ok(id.trim().length > 0, 'policy_id() is empty');
  });

  test('grade_order() is the core\'s order, T and M below F', () => {
    assert.deepEqual(Array.from(core.grade_order()), ['A+', 'A', 'A-', 'B', 'C', 'D', 'E', 'F', 'T', 'M']);
    assert.equal(core.grade_dropped('T', 'M'), true);
    assert.equal(core.grade_dropped('M', 'T'), false);
  });

  test('policy_json() is JSON that names the policy', () => {
    const text = core.policy_json();
    const policy = JSON.parse(text);
    assert.equal(typeof policy, 'object');
    assert.ok(text.includes(core.policy_id()), 'policy_json() does not mention policy_id()');
  });
});

// One subtest per case; the directory must exist (cargo test writes it) and
// hold at least one case.
describe('parity: WASM grade() == native grade()', () => {
  const exists = fs.existsSync(PARITY_DIR);
  if (!exists) {
    test('target/parity/', { skip: 'target/parity/ is missing: run `cargo test --workspace` first (scripts/test.sh does)' }, () => {});
    return;
  }
  const cases = fs.readdirSync(PARITY_DIR)
    .filter((f) => f.endsWith('.facts.json'))
    .map((f) => f.slice(0, -'.facts.json'.length))
    .sort();

  test('target/parity/ holds cases', () => {
    assert.ok(cases.length > 0, `${path.relative(ROOT, PARITY_DIR)}/ exists but holds no *.facts.json: the Rust parity tests wrote nothing`);
  });

  for (const name of cases) {
    test(name, () => {
      const file = (ext) => path.join(PARITY_DIR, `${name}${ext}`);
      for (const ext of ['.report.json', '.now']) {
        assert.ok(fs.existsSync(file(ext)), `${name}.facts.json has no sibling ${name}${ext}`);
      }
      const facts = fs.readFileSync(file('.facts.json'), 'utf8');
      const nowText = fs.readFileSync(file('.now'), 'utf8').trim();
      assert.match(nowText, /^-?\d+(\.\d+)?$/, `${name}.now does not hold a number: ${JSON.stringify(nowText)}`);
      const native = fs.readFileSync(file('.report.json'));
      const wasm = Buffer.from(callWithNow(core.grade, [facts], Number(nowText)), 'utf8');
      if (!wasm.equals(native)) {
        let i = 0;
        while (i < wasm.length && i < native.length && wasm[i] === native[i]) i++;
        const around = (b) => JSON.stringify(b.subarray(Math.max(0, i - 60), i + 60).toString('utf8'));
        assert.fail(
          `${name}: WASM report differs from the native one at byte ${i} ` +
            `(lengths ${wasm.length} vs ${native.length})\n  wasm:   ${around(wasm)}\n  native: ${around(native)}`,
        );
      }
    });
  }
});
