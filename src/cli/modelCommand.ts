import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { formatProblem, ModelError, type Problem } from '../engine/language/source';

/**
 * The first steps of a command that runs a model file: read the file and the
 * request it makes (`read` gets the text and the file's folder, which its
 * `data from` lines are relative to). Problems are printed as
 * file:line:column; the result is then the exit code: 1 for problems in the
 * model or its options, 2 for a file that cannot be read. The request's
 * warnings are printed the same way.
 */
export function readModelRequest<R>(file: string, read: (source: string, baseDirectory: string) => R, err: (text: string) => void): R | number {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (e) {
    err(`latent: cannot read ${file}: ${(e as Error).message}`);
    return 2;
  }
  try {
    const request = read(source, dirname(resolve(file)));
    // Warnings (data or initial values the model never uses) go out before the run, whatever its outcome.
    for (const w of warningsOf(request)) err(formatProblem(w, file));
    return request;
  } catch (e) {
    if (!(e instanceof ModelError)) throw e;
    for (const p of e.problems) err(formatProblem(p, file));
    return 1;
  }
}

function warningsOf(request: unknown): Problem[] {
  const warnings = (request as { warnings?: unknown }).warnings;
  return Array.isArray(warnings) ? (warnings as Problem[]) : [];
}

/** Waits for a started job, cancelling it on Ctrl-C (its partial result is then printed as usual). */
export async function untilDone<T>(handle: { result: Promise<T>; cancel(): void }): Promise<T> {
  const onInterrupt = (): void => handle.cancel();
  process.once('SIGINT', onInterrupt);
  try {
    return await handle.result;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
}
