/**
 * Output directories that are whole or visibly incomplete, never a mixture. A command
 * writes into a sibling staging directory `OUT.incomplete-PID` and renames it to OUT only
 * once every file is written; a kill at any moment leaves OUT as it was (or absent) and
 * the staging directory named as incomplete. An existing non-empty OUT is refused unless
 * `force`, and then replaced whole: moved aside to `OUT.replaced-PID`, the new directory
 * renamed in, the old one removed. Between those two renames OUT is briefly absent and
 * both runs exist whole under their sibling names; the next staging of the same OUT puts
 * the old one back before anything else.
 *
 * Used by `train` and `sparsify`; any command that writes a run directory can use it.
 *
 * @example
 *   const staged = stageDir('runs/a', { force: false, flag: '--out' });
 *   writeFileSync(join(staged.path, 'config.json'), '{}');
 *   staged.commit(); // runs/a now holds config.json
 */
import { accessSync, constants, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../core/errors.js';
import { fsUserError } from './fs-errors.js';

export interface StagedDir {
  /** where to write: the staging directory */
  readonly path: string;
  /** where the directory ends up */
  readonly target: string;
  /** renames the staging directory to the target (replacing it when forced); once */
  commit(): void;
  /** removes the staging directory and everything in it */
  discard(): void;
}

export interface StageOptions {
  /** replace a non-empty target whole instead of refusing */
  force: boolean;
  /** the option that named the target, for messages (default "--out") */
  flag?: string;
}

const INCOMPLETE = '.incomplete-';
const REPLACED = '.replaced-';

/** Checks the target and creates its staging directory; every refusal is one UserError line. */
export function stageDir(target: string, options: StageOptions): StagedDir {
  const flag = options.flag ?? '--out';
  if (typeof target !== 'string' || target.trim() === '') throw new UserError(`invalid ${flag}: must name a directory (got ${JSON.stringify(target)})`);
  const parent = dirname(resolve(target));
  recoverInterruptedReplace(target);
  removeStaleStaging(target);
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) throw new UserError(`invalid ${flag}: ${target} exists and is not a directory`);
    const entries = readdirSync(target);
    if (entries.length > 0 && !options.force) {
      const shown = entries.slice(0, 3).join(', ') + (entries.length > 3 ? ', …' : '');
      throw new UserError(`${flag} ${target} is not empty (${shown}); pass --force to replace it whole, or choose another ${flag}`);
    }
    try {
      accessSync(target, constants.W_OK);
    } catch (err) {
      throw fsUserError(err, `cannot write ${flag} ${target}`);
    }
  }
  try {
    mkdirSync(parent, { recursive: true });
  } catch (err) {
    throw fsUserError(err, `cannot create the parent directory of ${flag} ${target}`);
  }
  const path = `${target.replace(/[/\\]+$/, '')}${INCOMPLETE}${process.pid}`;
  try {
    rmSync(path, { recursive: true, force: true });
    mkdirSync(path);
  } catch (err) {
    throw fsUserError(err, `cannot write ${flag} ${target} (creating ${path})`);
  }
  let done = false;
  return {
    path,
    target,
    commit() {
      if (done) return;
      commitStaged(path, target, flag);
      done = true;
    },
    discard() {
      if (done) return;
      done = true;
      rmSync(path, { recursive: true, force: true });
    },
  };
}

function commitStaged(path: string, target: string, flag: string): void {
  const aside = `${target.replace(/[/\\]+$/, '')}${REPLACED}${process.pid}`;
  let moved = false;
  try {
    if (existsSync(target)) {
      if (readdirSync(target).length === 0) rmSync(target, { recursive: true });
      else {
        renameSync(target, aside);
        moved = true;
      }
    }
    renameSync(path, target);
  } catch (err) {
    if (moved && !existsSync(target)) renameSync(aside, target); // put the old one back
    throw fsUserError(err, `cannot move the finished ${path} to ${flag} ${target}`, `; the new output is kept in ${path}`);
  }
  if (moved) rmSync(aside, { recursive: true, force: true });
}

/** Siblings `TARGET<marker>PID`, with the pid, for processes that no longer run. */
function deadSiblings(target: string, marker: string): string[] {
  const dir = dirname(resolve(target));
  const base = basename(target.replace(/[/\\]+$/, ''));
  if (!existsSync(dir)) return [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const name of names) {
    if (!name.startsWith(base + marker)) continue;
    const pid = Number(name.slice(base.length + marker.length));
    if (!Number.isInteger(pid) || pid <= 0 || (pid !== process.pid && isAlive(pid))) continue;
    out.push(join(dir, name));
  }
  return out;
}

/** A replace killed between its two renames left TARGET absent: put the old directory back. */
function recoverInterruptedReplace(target: string): void {
  for (const aside of deadSiblings(target, REPLACED)) {
    if (!existsSync(target)) renameSync(aside, target);
    else rmSync(aside, { recursive: true, force: true }); // the new one made it in: the old is garbage
  }
}

/** Staging directories of processes that are gone (killed mid-write) are removed. */
function removeStaleStaging(target: string): void {
  for (const stale of deadSiblings(target, INCOMPLETE)) rmSync(stale, { recursive: true, force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
