#!/usr/bin/env node
/**
 * Reads the per-group mutation reports that scripts/mutation-groups.sh leaves in
 * reports/mutation/<group>.json and prints, per group, the score and every mutant the tests
 * did not notice (file:line:column, mutator, the replacement and the original code), then
 * the score over all groups read. The score is Stryker's: (killed + timed out) / (killed +
 * timed out + survived + not covered); compile errors and ignored (static, presentation)
 * mutants are not counted. Usage:
 *   node scripts/mutation-survivors.mjs [group ...]   (default: every reports/mutation/<group>.json)
 *   node scripts/mutation-survivors.mjs --summary      (scores only)
 *   node scripts/mutation-survivors.mjs --markdown     (docs/mutation-survivors.md's lists: one row per
 *     surviving mutant with its reason from docs/mutation-survivor-reasons.json, keyed
 *     "file:line:column", "file:line" or "file:from-to" (a line range), most specific first)
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = 'reports/mutation';
const args = process.argv.slice(2);
const summaryOnly = args.includes('--summary');
const markdown = args.includes('--markdown');
const reasonsFile = 'docs/mutation-survivor-reasons.json';
const reasons = markdown && existsSync(reasonsFile) ? JSON.parse(readFileSync(reasonsFile, 'utf8')) : {};
const ranges = Object.entries(reasons)
  .map(([key, why]) => /^(.*):(\d+)-(\d+)$/.exec(key) && { file: RegExp.$1, from: Number(RegExp.$2), to: Number(RegExp.$3), why })
  .filter(Boolean);
function reasonOf(path, line, column) {
  const exact = reasons[`${path}:${line}:${column}`] ?? reasons[`${path}:${line}`];
  if (exact) return exact;
  const r = ranges.find((x) => x.file === path && line >= x.from && line <= x.to);
  return r ? r.why : '(no reason given yet)';
}
const cell = (t) => String(t).replace(/\|/g, '\\|').replace(/`/g, "'");
let groups = args.filter((a) => !a.startsWith('--'));
if (groups.length === 0) {
  groups = existsSync(dir)
    ? readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'mutation.json').map((f) => f.slice(0, -5)).sort()
    : [];
}
if (groups.length === 0) {
  console.error(`no group reports in ${dir}: run scripts/mutation-groups.sh first`);
  process.exit(1);
}

/** The original text a mutant replaced, on one line, shortened. */
function original(source, loc) {
  const lines = source.split('\n');
  const { start, end } = loc;
  let text;
  if (start.line === end.line) text = lines[start.line - 1].slice(start.column - 1, end.column - 1);
  else text = [lines[start.line - 1].slice(start.column - 1), ...lines.slice(start.line, end.line - 1), lines[end.line - 1].slice(0, end.column - 1)].join(' ');
  return shorten(text);
}
function shorten(text) {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 70 ? `${one.slice(0, 67)}...` : one;
}

const total = { detected: 0, undetected: 0 };
const rows = [];
for (const group of groups) {
  const file = join(dir, `${group}.json`);
  if (!existsSync(file)) {
    console.error(`no report for group ${group} (${file})`);
    process.exit(1);
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const counts = {};
  const survivors = [];
  for (const [path, { source, mutants }] of Object.entries(report.files)) {
    for (const m of mutants) {
      counts[m.status] = (counts[m.status] ?? 0) + 1;
      if (m.status === 'Survived' || m.status === 'NoCoverage') {
        survivors.push({ path, m, text: original(source, m.location) });
      }
    }
  }
  const detected = (counts.Killed ?? 0) + (counts.Timeout ?? 0);
  const undetected = (counts.Survived ?? 0) + (counts.NoCoverage ?? 0);
  total.detected += detected;
  total.undetected += undetected;
  const score = (100 * detected) / Math.max(1, detected + undetected);
  rows.push([group, detected + undetected, score, counts.Survived ?? 0, counts.NoCoverage ?? 0]);
  if (markdown) {
    console.log(`\n### ${group}: ${score.toFixed(1)} % (${survivors.length} not detected of ${detected + undetected})\n`);
    if (survivors.length) {
      console.log('| where | mutant | reason |');
      console.log('|---|---|---|');
    }
    survivors.sort((a, b) => a.path.localeCompare(b.path) || a.m.location.start.line - b.m.location.start.line || a.m.location.start.column - b.m.location.start.column);
    for (const { path, m, text } of survivors) {
      const { line, column } = m.location.start;
      const status = m.status === 'NoCoverage' ? ' (not covered)' : '';
      console.log(`| ${path.replace(/^src\//, '')}:${line}:${column} | ${m.mutatorName}${status}: \`${cell(text)}\` → \`${cell(shorten(m.replacement ?? ''))}\` | ${cell(reasonOf(path, line, column))} |`);
    }
  } else if (!summaryOnly) {
    console.log(`== ${group}: ${score.toFixed(1)} % of ${detected + undetected} (killed ${counts.Killed ?? 0}, timeout ${counts.Timeout ?? 0}, survived ${counts.Survived ?? 0}, no coverage ${counts.NoCoverage ?? 0}, compile error ${counts.CompileError ?? 0}, ignored ${counts.Ignored ?? 0})`);
    survivors.sort((a, b) => a.path.localeCompare(b.path) || a.m.location.start.line - b.m.location.start.line || a.m.location.start.column - b.m.location.start.column);
    for (const { path, m, text } of survivors) {
      const where = `${path}:${m.location.start.line}:${m.location.start.column}`;
      const status = m.status === 'NoCoverage' ? ' [no coverage]' : '';
      console.log(`${where} ${m.mutatorName}${status}: ${text} -> ${shorten(m.replacement ?? '')}`);
    }
  }
}
if (markdown) process.exit(0);
console.log('\ngroup | mutants scored | score | survived | no coverage');
for (const [g, n, s, sv, nc] of rows) console.log(`${g} | ${n} | ${s.toFixed(1)} % | ${sv} | ${nc}`);
const all = total.detected + total.undetected;
console.log(`all ${rows.length} groups | ${all} | ${((100 * total.detected) / Math.max(1, all)).toFixed(1)} % | |`);
