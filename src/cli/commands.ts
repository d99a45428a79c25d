/** Every CLI command, in the order `--help` lists them. Each module adds one subcommand. */
import type { Command } from 'commander';
import { register as train } from './train.js';
import { register as analyze } from './analyze.js';
import { register as sparsify } from './sparsify.js';
import { register as explore } from './explore.js';
import { register as reproduce } from './reproduce.js';
import { register as duplicate } from './duplicate.js';
import { register as sweep } from './sweep.js';
import { register as runs } from './runs.js';
import { register as worker } from './worker.js';
import { register as plot } from './plot.js';

export const COMMANDS: Array<(program: Command) => void> = [train, analyze, sparsify, explore, reproduce, duplicate, sweep, runs, plot, worker];
