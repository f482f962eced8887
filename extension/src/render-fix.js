// "How to fix": the core's fix plan for the endpoint shown (WASM `fix_plan`),
// towards A+ or a Mozilla profile, as the lines for nginx, Apache or Caddy.
// The plan (what to keep, remove, add) and the snippet text come from the
// core; this module only lays them out.
import { h } from './dom.js';

const SOFTWARE_ORDER = ['nginx', 'apache', 'caddy'];
const SOFTWARE_LABELS = { nginx: 'nginx', apache: 'Apache', caddy: 'Caddy' };
const GOAL_LABELS = {
  'A+': 'Grade A+',
  'mozilla-modern': 'Mozilla modern',
  'mozilla-intermediate': 'Mozilla intermediate',
  'mozilla-old': 'Mozilla old',
};

// The goals the core knows: A+ and its profiles (`profiles_json`).
export function fixGoals(core) {
  try {
    return ['A+', ...JSON.parse(core.profiles_json()).profiles.map((p) => p.id)];
  } catch {
    return ['A+'];
  }
}

// The plan for `ep` of `report` towards `goal`, or {error} when the core
// cannot make one (an unscanned endpoint, an old report format).
export function fixPlan(core, report, ep, goal) {
  try {
    return JSON.parse(core.fix_plan(JSON.stringify(report), ep.ip, goal));
  } catch (err) {
    return { error: err?.message ?? String(err) };
  }
}

function tabs(plan, software, onSoftware) {
  const list = SOFTWARE_ORDER.filter((s) => plan.servers.some((x) => x.software === s));
  const move = (ev, i) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[ev.key];
    if (!step) return;
    ev.preventDefault();
    onSoftware(list[(i + step + list.length) % list.length], { focus: true });
  };
  return h('div', { class: 'fix-tabs', role: 'tablist', 'aria-label': 'Server software' },
    list.map((s, i) => {
      const selected = s === software;
      return h('button', {
        type: 'button', role: 'tab', class: 'fix-tab', id: `fix-tab-${s}`,
        'data-testid': 'fix-tab', 'data-software': s,
        'aria-selected': String(selected), 'aria-controls': 'fix-panel', tabindex: selected ? '0' : '-1',
        onclick: () => onSoftware(s), onkeydown: (ev) => move(ev, i),
      }, SOFTWARE_LABELS[s] ?? s);
    }));
}

function panel(server, onCopy) {
  return h('div', { class: 'fix-panel', id: 'fix-panel', role: 'tabpanel', 'aria-labelledby': `fix-tab-${server.software}`, 'data-software': server.software },
    server.remove.length ? h('ul', { class: 'fix-remove', 'data-testid': 'fix-remove' }, server.remove.map((r) => h('li', null, r))) : null,
    h('pre', { class: 'fix-snippet', tabindex: '0', 'aria-label': `${server.software} configuration` },
      h('code', { 'data-testid': 'fix-snippet' }, server.text)),
    h('p', null, h('button', { type: 'button', class: 'button ghost small', 'data-testid': 'fix-copy', onclick: (ev) => onCopy(server.text, ev.currentTarget) }, 'Copy')));
}

// The section. `goals` from fixGoals(); `goal` and `software` are the current
// choices; the callbacks re-render with a new choice.
export function renderFix(plan, { goals, goal, software, onGoal, onSoftware, onCopy }) {
  const select = h('select', { id: 'fix-goal', 'data-testid': 'fix-goal', onchange: (ev) => onGoal(ev.currentTarget.value) },
    goals.map((g) => h('option', { value: g, selected: g === goal }, GOAL_LABELS[g] ?? g)));
  const head = [
    h('h2', null, 'How to fix'),
    h('p', { class: 'fix-goal-row' }, h('label', { for: 'fix-goal' }, 'Goal '), select),
  ];
  if (!plan || plan.error) {
    return h('section', { class: 'fix-plan', 'data-testid': 'fix', 'aria-label': 'How to fix' }, head,
      h('p', { class: 'muted', 'data-testid': 'fix-error' }, `No fix plan: ${plan?.error ?? 'nothing to plan for'}`));
  }
  const chosen = plan.servers.find((s) => s.software === software) ?? plan.servers[0];
  return h('section', { class: 'fix-plan', 'data-testid': 'fix', 'data-goal': plan.goal, 'aria-label': 'How to fix' }, head,
    h('p', { class: 'muted small' }, `Towards ${plan.basis}.`),
    plan.nothing_to_change
      ? h('p', { class: 'ok', 'data-testid': 'fix-nothing' }, '✓ Nothing to change: this server already meets the goal.')
      : h('ul', { class: 'fix-changes', 'data-testid': 'fix-changes' }, plan.changes.map((c) => h('li', null, c))),
    plan.notes.length ? h('ul', { class: 'fix-notes', 'data-testid': 'fix-notes' }, plan.notes.map((n) => h('li', null, n))) : null,
    tabs(plan, chosen.software, onSoftware),
    panel(chosen, onCopy));
}
