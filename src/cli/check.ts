import { dirname, resolve } from 'node:path';
import { readTextFile } from '../engine/data/files';
import { checkText } from '../engine/language/check';
import { printable } from '../engine/language/messageText';
import { formatProblem, ModelError, type Problem } from '../engine/language/source';
import { bindModel } from '../engine/model/bind';
import { BUILT_IN_DEFAULTS } from '../engine/run/request';
import { readRequest } from '../engine/job/job';
import { appendAll } from '../engine/collections';

/**
 * `latent check MODEL [--data FILE]...`: every problem of a model and its data,
 * one line each as `file:line:col: severity: message`, for editors and CI.
 * Returns the exit code: 1 when there is an error, 0 otherwise.
 */
export function runCheck(file: string, dataFiles: string[], write: (line: string) => void): number {
  let source: string;
  try {
    source = readTextFile(file);
  } catch (e) {
    write(printable(`${file}:1:1: error: cannot read the model: ${(e as Error).message}`));
    return 1;
  }
  if (source.trim() === '') {
    write(printable(`${file}:1:1: error: the file is empty: expected a model, as in model { y ~ dnorm(mu, 1) }.`));
    return 1;
  }
  const problems: Problem[] = [];
  const { document, problems: textProblems } = checkText(source);
  if (dataFiles.length === 0 && !document.directives.some((d) => d.kind === 'data')) {
    // Without data, names and sizes cannot be checked: report what the text alone shows.
    for (const p of textProblems) write(formatProblem(p, file));
    return textProblems.some((p) => p.severity === 'error') ? 1 : 0;
  }
  try {
    const request = readRequest('sample', source, { ...BUILT_IN_DEFAULTS, seed: 1 }, () => 1, { baseDirectory: dirname(resolve(file)), dataFiles });
    appendAll(problems, request.warnings);
    if (request.document.model) bindModel(request.document, request.data);
  } catch (e) {
    if (!(e instanceof ModelError)) throw e;
    appendAll(problems, e.problems);
  }
  problems.sort((a, b) => a.range.start.offset - b.range.start.offset);
  for (const p of problems) write(formatProblem(p, file));
  return problems.some((p) => p.severity === 'error') ? 1 : 0;
}
