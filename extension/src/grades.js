// Grade colours (white text on them meets WCAG AA, ≥ 4.5:1) and words.
const COLOURS = {
  'A+': '#1a7f37', A: '#1a7f37', 'A-': '#2c7a2c',
  B: '#8a5a00', C: '#a34700', D: '#b42318', E: '#b42318', F: '#8f1d1d',
  T: '#8f1d4d', M: '#8f1d4d',
};
const NONE = '#57606a';

export function gradeColour(grade) {
  return COLOURS[grade] ?? NONE;
}

const WORDS = {
  'A+': 'exemplary', A: 'good', 'A-': 'good, with warnings', B: 'fair: legacy or weak parts',
  C: 'weak', D: 'poor', E: 'poor', F: 'failing: insecure',
  T: 'not trusted: browsers will show a certificate error', M: 'name mismatch: the certificate is not for this host',
};
export function gradeWords(grade) {
  return WORDS[grade] ?? 'no grade';
}
