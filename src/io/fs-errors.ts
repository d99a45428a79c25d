/**
 * File-system failures a user can cause or meet (a full disk, a read-only or missing
 * directory, a directory where a file belongs) turned into one-line UserErrors that name
 * the path and say what happened, so no command ends in a stack trace over them.
 *
 * @example
 *   try { writeFileSync(p, data) } catch (e) { throw fsUserError(e, `writing ${p}`) }
 */
import { UserError } from '../core/errors.js';

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'it is a directory, not a file',
  EEXIST: 'it already exists',
  ENOTEMPTY: 'the directory is not empty',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  EIO: 'an input/output error',
  EFBIG: 'the file is too large',
  EINVAL: 'invalid argument',
  EBUSY: 'the resource is busy',
  EXDEV: 'it is on another device',
};

/** The errno code of a Node file-system error, or undefined for anything else. */
export function errnoCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : undefined;
}

/**
 * A UserError for a file-system failure while doing `what` ("writing runs/a/W.npy"); any
 * other error is returned unchanged (a bug keeps its stack).
 */
export function fsUserError(err: unknown, what: string, more = ''): unknown {
  if (err instanceof UserError) return err;
  const code = errnoCode(err);
  if (!code) return err;
  return new UserError(`${what}: ${REASONS[code] ?? code} (${code})${more}`);
}
