/**
 * Progress display: a redrawn bar (cli-progress) on a terminal, plain periodic lines
 * otherwise (logs, CI), so output stays readable in both.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, fields: Record<string, string>): void;
  stop(): void;
}

export function createProgress(total: number, label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {value}/{total} steps | {detail} | ETA {eta_formatted}`,
        stream,
        hideCursor: true,
        etaBuffer: 50,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { detail: '' });
    return {
      update: (done, fields) => bar.update(done, { detail: Object.entries(fields).map(([k, v]) => `${k} ${v}`).join(' | ') }),
      stop: () => bar.stop(),
    };
  }
  const started = Date.now();
  let lastPrint = 0;
  return {
    update(done, fields) {
      const now = Date.now();
      if (now - lastPrint < 5000 && done < total) return;
      lastPrint = now;
      const elapsed = (now - started) / 1000;
      const eta = done > 0 ? (elapsed * (total - done)) / done : NaN;
      const detail = Object.entries(fields).map(([k, v]) => `${k} ${v}`).join(', ');
      stream.write(`${label}: step ${done}/${total}, ${detail}, ETA ${Number.isFinite(eta) ? eta.toFixed(0) + ' s' : '?'}\n`);
    },
    stop() {},
  };
}
