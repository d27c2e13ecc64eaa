import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';

/**
 * The largest data, initial-values or draws file read whole, unless a run says otherwise
 * (ReadOptions.maxFileBytes): 512 MB, or LATENT_MAX_FILE_MB megabytes from the environment.
 */
export const DEFAULT_MAX_FILE_BYTES = megabytesFromEnvironment('LATENT_MAX_FILE_MB') ?? 512 * 1024 * 1024;

/** A positive number of megabytes from an environment variable, in bytes; undefined when unset or not a positive number. */
export function megabytesFromEnvironment(name: string): number | undefined {
  const value = Number(process.env[name]);
  return process.env[name] !== undefined && value > 0 ? value * 1024 * 1024 : undefined;
}

/** A file that is refused before or while it is read: the message says why, for "Cannot read … file 'x': <why>." */
export class FileRefused extends Error {}

/**
 * Reads a regular file of at most `maxBytes` as UTF-8 text. Anything else is refused with a
 * message that says what it is: a FIFO, a device (also through a symbolic link, such as one to
 * /dev/zero), a folder, a file past the limit, or a binary file (one with a NUL byte). The file is
 * opened without blocking and then examined, so a FIFO with no writer never hangs the read, and
 * what is examined is what is read.
 */
export function readTextFile(path: string, maxBytes = DEFAULT_MAX_FILE_BYTES): string {
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new FileRefused(`it is ${kindOf(stats)}, not a regular file`);
    if (stats.size > maxBytes) throw new FileRefused(`it holds ${megabytes(stats.size)}, more than the limit of ${megabytes(maxBytes)} for a file read whole (raise it: setting latent.limits.maxFileMB, or LATENT_MAX_FILE_MB=<megabytes> in the environment of the command line)`);
    // The file may grow after fstat: read at most one byte past the limit to notice.
    const buffer = Buffer.allocUnsafe(Math.min(stats.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      const got = readSync(fd, buffer, length, buffer.length - length, null);
      if (got === 0) break;
      length += got;
      if (length === buffer.length) {
        if (length > maxBytes) throw new FileRefused(`it grew past the limit of ${megabytes(maxBytes)} while being read`);
        break;
      }
    }
    const bytes = buffer.subarray(0, length);
    const nul = bytes.indexOf(0);
    if (nul >= 0) throw new FileRefused(`it is not a text file (byte ${nul + 1} is a NUL)`);
    return bytes.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Refuses, before a streamed read, anything but a regular file (a FIFO or a device would never end). */
export function assertRegularFile(path: string): void {
  const stats = statSync(path);
  if (!stats.isFile()) throw new FileRefused(`it is ${kindOf(stats)}, not a regular file`);
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a file';
}

const megabytes = (bytes: number): string => `${(bytes / 1048576).toFixed(bytes < 1048576 ? 2 : 0)} MB`;
