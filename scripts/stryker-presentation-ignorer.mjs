/**
 * A StrykerJS ignorer: in the experiment files (src/reproduce/experiments), skip mutants in
 * the presentation of a result (figure rows and specs, captions, table wording, notes,
 * descriptions), so the mutation score there measures what the issue asks for: the logic
 * that decides each check's pass/fail and the numbers that feed it. Everything else in
 * those files (the analysis, the checks, the run grids and their seeds) is mutated.
 * Presentation is tested elsewhere (plots.test.ts, reproduce.test.ts), by eye in the report.
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
      return undefined;
    },
  }),
];
