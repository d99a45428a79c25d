/**
 * The progress line of the job runner (reproduce, sweep): a bar over the estimated work,
 * runs done (and found in the store), the runs in progress and an ETA from the measured
 * rate. Redrawn in place on a terminal; plain periodic lines in logs and CI.
 */
import type { JobsProgress } from '../jobs/run-jobs.js';
import { fmtSeconds } from '../reproduce/report-html.js';

/** Progress of runJobs, with reproduce's phase when there is one. */
export type RunProgress = JobsProgress & { phase?: 'plan' | 'train' | 'analyze' | 'report' | 'done' };

/** One status line: overall bar and percentage, runs done, the runs in progress, ETA. */
export function formatProgress(p: RunProgress, width = 24): string {
  if (p.phase !== undefined && p.phase !== 'train') return `${p.message} (${fmtSeconds(p.elapsedSeconds)})`;
  const frac = p.totalWork > 0 ? Math.min(1, p.doneWork / p.totalWork) : 1;
  const filled = Math.round(frac * width);
  const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
  const runs = `${p.finishedRuns + p.cachedRuns}/${p.totalRuns} runs${p.cachedRuns ? ` (${p.cachedRuns} cached)` : ''}`;
  const active = p.active.map((a) => `${a.label} ${Math.floor((100 * a.step) / Math.max(1, a.steps))}%`).join(', ');
  const eta = p.etaSeconds === null ? 'ETA …' : `ETA ${fmtSeconds(p.etaSeconds)}`;
  return `[${bar}] ${(100 * frac).toFixed(0)}% ${runs} | ${active || 'starting'} | ${eta}`;
}

/** Draws progress on `stream`: one redrawn line on a terminal, a plain line every 5 s (and on news) otherwise. */
export function createDisplay(stream: NodeJS.WriteStream) {
  const tty = Boolean(stream.isTTY);
  let lastPrint = 0;
  let lastMessage = '';
  let drawn = false;
  return {
    update(p: RunProgress) {
      const now = Date.now();
      if (tty) {
        if (now - lastPrint < 200 && (p.phase ?? 'train') === 'train' && !p.message) return;
        lastPrint = now;
        const cols = stream.columns || 120;
        const line = formatProgress(p);
        stream.write(`\r\x1b[2K${line.length > cols - 1 ? line.slice(0, cols - 2) + '…' : line}`);
        drawn = true;
        if (p.message.startsWith('finished') || p.phase === 'plan' || p.message.includes('planned')) {
          stream.write(`\r\x1b[2K${p.message}\n`);
          drawn = false;
        }
        return;
      }
      const important = p.message !== '' && p.message !== lastMessage;
      if (!important && now - lastPrint < 5000) return;
      lastPrint = now;
      lastMessage = p.message;
      stream.write(`${(p.phase ?? 'train') === 'train' && p.message ? `${p.message}; ` : ''}${formatProgress(p)}\n`);
    },
    stop() {
      if (tty && drawn) stream.write('\n');
      drawn = false;
    },
  };
}
