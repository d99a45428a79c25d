/** Runs the CLI in-process and captures what it writes, for tests. */
import { runCli } from './main.js';

export async function runCapture(args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  const err: string[] = [];
  const out: string[] = [];
  const origErr = process.stderr.write.bind(process.stderr);
  const origOut = process.stdout.write.bind(process.stdout);
  process.stderr.write = ((chunk: string | Uint8Array) => (err.push(String(chunk)), true)) as typeof process.stderr.write;
  process.stdout.write = ((chunk: string | Uint8Array) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
  const exitCode = process.exitCode;
  try {
    const code = await runCli(['node', 'incidental', ...args]);
    const set = process.exitCode;
    return { code: code || (typeof set === 'number' ? set : 0), stderr: err.join(''), stdout: out.join('') };
  } finally {
    process.stderr.write = origErr;
    process.stdout.write = origOut;
    process.exitCode = exitCode;
  }
}
