/**
 * `incidental runs FILE.db`: lists the runs of a store, one row per run — its parameters
 * under their option names, seed, status and polysemantic (mean over its instances).
 * Opens the store read-only, so it works while a sweep writes it. `--where` takes an SQL
 * expression over the columns; `--csv` and `--json` print every column.
 */
import type { Command } from 'commander';
import { UserError } from '../core/errors.js';
import { toCsv } from '../reproduce/csv.js';
import { PARAM_COLUMNS } from '../store/columns.js';
import { RunStore, type RunRow } from '../store/run-store.js';
import { table } from './table.js';

export function register(program: Command): void {
  program
    .command('runs')
    .description('list the runs of a run store (one row per run: parameters, seed, status, polysemantic)')
    .argument('<store>', 'a run store written by `incidental sweep` or `reproduce` (OUT/runs.db)')
    .option('--where <expr>', `SQL condition over the columns, e.g. "m >= 128 AND status = 'finished'"`)
    .option('--csv', 'every column as CSV')
    .option('--json', 'every column as JSON (one array)')
    .action((path: string, opts: { where?: string; csv?: boolean; json?: boolean }) => {
      if (opts.csv && opts.json) throw new UserError('invalid options: choose one of --csv and --json');
      const store = RunStore.openReadOnly(path);
      try {
        const rows = store.list(opts.where);
        if (opts.json) process.stdout.write(JSON.stringify(rows.map(parseJsonColumns), null, 1) + '\n');
        else if (opts.csv) process.stdout.write(rows.length ? toCsv(rows) : '');
        else process.stdout.write(formatRuns(rows) + '\n');
      } finally {
        store.close();
      }
    });
}

/** config_json and counts_json as nested objects instead of strings. */
function parseJsonColumns(row: RunRow): Record<string, unknown> {
  const out: Record<string, unknown> = { ...row };
  for (const k of ['config_json', 'counts_json']) if (typeof row[k] === 'string') out[k] = JSON.parse(row[k] as string);
  return out;
}

/** The table: key, the parameters that differ between the rows (n and m if none do), seed, status, polysemantic. */
export function formatRuns(rows: RunRow[]): string {
  if (rows.length === 0) return 'no runs';
  const params = PARAM_COLUMNS.filter((p) => p.column !== 'seed' && p.column !== 'threads' && new Set(rows.map((r) => r[p.column])).size > 1).map((p) => p.column);
  const cols = ['key', ...(params.length ? params : ['n', 'm']), 'seed', 'status', 'polysemantic'];
  const cell = (v: string | number | null) => (v === null ? '-' : typeof v === 'number' && !Number.isInteger(v) ? String(Number(v.toPrecision(4))) : String(v));
  return table(cols, rows.map((r) => cols.map((c) => cell(r[c]))), 'l'.repeat(1) + 'r'.repeat(cols.length - 1)) + `\n${rows.length} run${rows.length === 1 ? '' : 's'}`;
}
