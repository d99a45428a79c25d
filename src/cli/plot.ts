/**
 * `incidental plot FILE.db --x m --y polysemantic [--color lambda]`: a figure from a run
 * store (src/plots/store-plot.ts) through the report's Vega-Lite stack, written as SVG or
 * PNG by the extension of --out. Columns may be named as in the store (`init_scale`) or as
 * `train` options (`init-scale`).
 */
import { extname } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../core/errors.js';
import { writeFileAtomic } from '../io/run-dir.js';
import { renderSvg, svgToPng } from '../plots/render.js';
import { storePlotSpec, type StorePlotRow } from '../plots/store-plot.js';
import { findParam } from '../store/columns.js';
import { RunStore, type RunRow } from '../store/run-store.js';

export function register(program: Command): void {
  program
    .command('plot')
    .description('plot one column of a run store against another: runs as dots, mean ± standard deviation over seeds')
    .argument('<store>', 'a run store written by `incidental sweep` or `reproduce`')
    .requiredOption('--x <column>', 'x axis, e.g. m')
    .requiredOption('--y <column>', 'y axis, e.g. polysemantic')
    .option('--color <column>', 'one colour per value of this column, e.g. lambda')
    .option('--where <expr>', `SQL condition over the columns (default: status = 'finished')`)
    .option('--out <file>', 'fig.svg or fig.png (default: Y-vs-X.svg)')
    .action(async (path: string, opts: { x: string; y: string; color?: string; where?: string; out?: string }) => {
      const out = opts.out ?? `${opts.y}-vs-${opts.x}.svg`;
      const ext = extname(out).toLowerCase();
      if (ext !== '.svg' && ext !== '.png') throw new UserError(`invalid --out: ${out} must end in .svg or .png`);
      const store = RunStore.openReadOnly(path);
      let rows: RunRow[];
      try {
        rows = store.list(opts.where ?? "status = 'finished'");
      } finally {
        store.close();
      }
      const columns = rows.length ? Object.keys(rows[0]) : [];
      const column = (flag: string, name: string) => {
        const c = columns.includes(name) ? name : findParam(name)?.column;
        if (!c || !columns.includes(c)) throw new UserError(`invalid ${flag}: "${name}" is not a column of ${path}; choose among ${columns.filter((k) => !k.endsWith('_json')).join(', ')}`);
        return c;
      };
      if (rows.length === 0) throw new UserError(`nothing to plot: no runs in ${path}${opts.where ? ` match --where "${opts.where}"` : ' have finished'}`);
      const [x, y] = [column('--x', opts.x), column('--y', opts.y)];
      const color = opts.color === undefined ? undefined : column('--color', opts.color);
      const data: StorePlotRow[] = [];
      for (const r of rows) {
        const xv = r[x];
        const yv = r[y];
        if (typeof xv !== 'number' || typeof yv !== 'number') continue;
        data.push({ x: xv, y: yv, color: color === undefined ? null : String(r[color]) });
      }
      if (data.length === 0) throw new UserError(`nothing to plot: --x ${x} and --y ${y} have no numeric values in the same run`);
      const svg = await renderSvg(storePlotSpec(data, { x, y, color }));
      writeFileAtomic(out, ext === '.png' ? svgToPng(svg) : svg);
      process.stdout.write(`wrote ${out} (${data.length} runs)\n`);
    });
}
