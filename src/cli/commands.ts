/** Every CLI command, in the order `--help` lists them. Each module adds one subcommand. */
import type { Command } from 'commander';
import { register as train } from './train.js';

export const COMMANDS: Array<(program: Command) => void> = [train];
