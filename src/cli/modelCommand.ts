import { dirname, resolve } from 'node:path';
import { readTextFile } from '../engine/data/files';
import { printable } from '../engine/language/messageText';
import { formatProblem, ModelError } from '../engine/language/source';

/**
 * The first steps of a command that runs a model file: read the file and the
 * request it makes (`read` gets the text and the file's folder, which its
 * `data from` lines are relative to). Problems are printed as
 * file:line:column; the result is then the exit code: 1 for problems in the
 * model or its options, 2 for a file that cannot be read.
 */
export function readModelRequest<R>(file: string, read: (source: string, baseDirectory: string) => R, err: (text: string) => void): R | number {
  let source: string;
  try {
    source = readTextFile(file);
  } catch (e) {
    err(printable(`latent: cannot read ${file}: ${(e as Error).message}`));
    return 2;
  }
  try {
    return read(source, dirname(resolve(file)));
  } catch (e) {
    if (!(e instanceof ModelError)) throw e;
    for (const p of e.problems) err(formatProblem(p, file));
    return 1;
  }
}

let interrupted = false;

/** Whether Ctrl-C stopped a job: the command then exits with 130 (128 + SIGINT), as shells expect, after printing what it has. */
export function wasInterrupted(): boolean {
  return interrupted;
}

/** Waits for a started job, cancelling it on Ctrl-C (its partial result is then printed as usual; a second Ctrl-C ends the process). */
export async function untilDone<T>(handle: { result: Promise<T>; cancel(): void }): Promise<T> {
  const onInterrupt = (): void => {
    interrupted = true;
    handle.cancel();
  };
  process.once('SIGINT', onInterrupt);
  try {
    return await handle.result;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
}
