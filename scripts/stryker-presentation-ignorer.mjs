/**
 * A StrykerJS ignorer: in the experiment files (src/reproduce/experiments), skip mutants in
 * the presentation of a result (figure rows and specs, captions, table wording, notes,
 * descriptions), so the mutation score there measures what the issue asks for: the logic
 * that decides each check's pass/fail and the numbers that feed it. Everything else in
 * those files (the analysis, the checks, the run grids and their seeds) is mutated.
 * Presentation is tested elsewhere (plots.test.ts, reproduce.test.ts), by eye in the report.
 *
 * The answers of G–L (`const answer = ...`): only their literal prose is skipped, i.e. a
 * string literal, or a template literal without `${}` parts, inside the answer's initializer
 * whose parent only places it in the text: a `+` concatenation, a branch (not the test) of
 * `?:`, a `${}` part, a `.join(...)` separator, the fallback of `||`/`??`, the text an arrow
 * function returns. Such a literal has no child nodes, so nothing else is skipped with it
 * (Stryker skips an ignored node together with everything inside it). Everything that
 * decides what an answer concludes stays mutated: its conditions, comparisons (a literal
 * compared with `===` is not skipped), numbers, arithmetic, filters and branches, and every
 * template with `${}` parts (emptying one is a scored mutant, so tests pin each sentence).
 */
import { PluginKind, declareValuePlugin } from '@stryker-mutator/api/plugin';

/** Object keys whose values are presentation (text, figure data, table cells). */
const PRESENTATION_KEYS = new Set([
  'figures', 'table', 'notes', 'caption', 'title', 'subtitle', 'claim', 'describe', 'scaleNotes',
  'measured', 'criterion', 'quantity', 'predicted', 'published', 'label', 'name', 'spec', 'rows',
]);
/** Local arrays that only feed the presentation. */
const PRESENTATION_VARIABLES = new Set(['rows', 'table', 'notes']);

function keyName(node) {
  if (node.type !== 'ObjectProperty' && node.type !== 'ObjectMethod') return undefined;
  if (node.key.type === 'Identifier') return node.key.name;
  if (node.key.type === 'StringLiteral') return node.key.value;
  return undefined;
}

/** Parents under which a string is only placed in the text, never compared or used as a key. */
function placesText(parentPath, node) {
  const parent = parentPath.node;
  switch (parent.type) {
    case 'BinaryExpression':
      return parent.operator === '+';
    case 'ConditionalExpression':
      return parent.test !== node;
    case 'TemplateLiteral':
      return true;
    case 'LogicalExpression':
      return parent.right === node && (parent.operator === '||' || parent.operator === '??');
    case 'CallExpression':
      return parent.arguments.includes(node) && parent.callee.type === 'MemberExpression' && parent.callee.property.type === 'Identifier' && parent.callee.property.name === 'join';
    case 'ArrowFunctionExpression':
      return parent.body === node;
    default:
      return false;
  }
}

/** A literal piece of an answer's prose: a string (or a template without `${}`) inside `const answer = ...`, only placed in the text. */
function isAnswerProse(path) {
  const node = path.node;
  const literal = node.type === 'StringLiteral' || (node.type === 'TemplateLiteral' && node.expressions.length === 0);
  if (!literal || !path.parentPath || !placesText(path.parentPath, node)) return false;
  return Boolean(path.findParent((a) => a.node.type === 'VariableDeclarator' && a.node.id.type === 'Identifier' && a.node.id.name === 'answer'));
}

function isPresentation(path) {
  const key = keyName(path.node);
  if (key !== undefined && PRESENTATION_KEYS.has(key)) return true;
  if (path.node.type === 'VariableDeclarator' && path.node.id.type === 'Identifier' && PRESENTATION_VARIABLES.has(path.node.id.name)) return true;
  // rows.push(...), table.push(...), notes.push(...)
  if (path.node.type === 'CallExpression') {
    const callee = path.node.callee;
    if (callee.type === 'MemberExpression' && callee.object.type === 'Identifier' && PRESENTATION_VARIABLES.has(callee.object.name)) return true;
  }
  return false;
}

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'presentation', {
    shouldIgnore(path) {
      const file = path.node.loc?.filename ?? path.hub?.file?.opts?.filename ?? '';
      if (!/src[\\/]reproduce[\\/]experiments[\\/]/.test(file)) return undefined;
      if (isPresentation(path)) return 'presentation of a result (figure, caption, table, notes), not a check';
      if (isAnswerProse(path)) return "literal prose of an experiment's answer (its conditions and numbers are mutated)";
      return undefined;
    },
  }),
];
