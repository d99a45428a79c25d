/**
 * `incidental` command line: a thin shell over the library. Each command lives in its own
 * module exporting `register(program)`; this file wires them and turns user mistakes
 * (UserError, bad flags) into one-line messages with a non-zero exit, no stack trace.
 */
import { Command, CommanderError } from 'commander';
import { UserError } from '../core/errors.js';
import { fsUserError } from '../io/fs-errors.js';
import { VERSION } from '../version.js';
import { COMMANDS } from './commands.js';

export async function runCli(argv: string[]): Promise<number> {
  const program = new Command('incidental')
    .description('Incidental polysemanticity: train the toy model, analyze it, reproduce the paper, explore it live')
    .version(VERSION)
    .showHelpAfterError('(run with --help for every option and its default)')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text.trimEnd() + '\n') });
  for (const register of COMMANDS) register(program);
  try {
    await program.parseAsync(argv);
    // a command may end "successfully" with its own status, e.g. 130 after Ctrl-C
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    return reportError(err);
  }
}

function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // help and version exit 0; commander already printed its one-line error otherwise
    return err.exitCode;
  }
  if (err instanceof UserError) {
    process.stderr.write(`incidental: ${err.message}\n`);
    return 2;
  }
  // a file-system failure no command translated (a full disk, a read-only directory): still one line
  const fsError = fsUserError(err, (err as NodeJS.ErrnoException | null)?.path ?? 'file system');
  if (fsError instanceof UserError) {
    process.stderr.write(`incidental: ${fsError.message}\n`);
    return 2;
  }
  process.stderr.write(`incidental: internal error (please report it):\n${err instanceof Error ? err.stack : String(err)}\n`);
  return 1;
}
