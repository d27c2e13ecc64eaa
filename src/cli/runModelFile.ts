import { freshSeed } from './freshSeed';
import { dirname, resolve } from 'node:path';
import { readJob, type Job, type JobChoices, type JobKind } from '../engine/job/job';
import { formatProblem } from '../engine/language/source';
import { readTextFile } from '../engine/data/files';
import { printable } from '../engine/language/messageText';
import type { JobOutput } from '../engine/job/output';
import { runJob } from '../engine/job/sink';
import { startJob, type JobWorkers } from '../engine/job/startJob';
import { interruptSignal, TerminalSink } from './terminalSink';

/** What a command that runs a model file reads besides it (--data, --inits) and how it prints the result. */
export interface ModelFileRun {
  kind: JobKind;
  choices: JobChoices;
  dataFiles: string[];
  initsFiles: string[];
  format: (output: JobOutput) => string;
  /** Turns a job down before it starts (`latent vi` on a document whose fit line asks for EM), with the message. */
  refuse?: (job: Job) => string | undefined;
  /** Work on the final output before it is printed (writing its draws); false fails the command. */
  beforePrint?: (output: JobOutput) => boolean;
}

/**
 * `latent sample|em|sbc MODEL ...`: reads the file into a job of the
 * command's kind (its `data from` lines relative to the file's folder), runs
 * it through the engine's one job path, and prints the result. Returns the
 * exit code: 1 for problems in the model or a failed job, 2 for a file that
 * cannot be read.
 */
export async function runModelFile(file: string, run: ModelFileRun, workers: JobWorkers, out: (text: string) => void, err: (text: string) => void): Promise<number> {
  let source: string;
  try {
    source = readTextFile(file);
  } catch (e) {
    err(printable(`latent: cannot read ${file}: ${(e as Error).message}`));
    return 2;
  }
  const sink = new TerminalSink(file, run.format, out, err, run.beforePrint);
  const options = { baseDirectory: dirname(resolve(file)), dataFiles: run.dataFiles, initsFiles: run.initsFiles };
  const read = (): Job => {
    const job = readJob(source, { ...run.choices, kind: run.kind }, freshSeed, options);
    // Warnings (data or initial values the model never uses) go out before the run, whatever its outcome.
    for (const w of job.kind === 'calibrate' ? job.request.run.warnings : job.request.warnings) err(printable(formatProblem(w, file)));
    return job;
  };
  const readOrRefuse = (): Job => {
    const job = read();
    const refusal = run.refuse?.(job);
    if (refusal) throw new JobRefused(refusal);
    return job;
  };
  try {
    await runJob(readOrRefuse, (job, onUpdate) => startJob(job, workers, onUpdate), sink, interruptSignal);
  } catch (e) {
    if (!(e instanceof JobRefused)) throw e;
    err(printable(`${file}: error: ${e.message}`));
    return 1;
  }
  return sink.exitCode;
}

/** A command that does not run what the document asks for (its message says why). */
class JobRefused extends Error {}
