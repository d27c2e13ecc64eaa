// A job's output, whatever its kind: the value shown before the first update,
// its MIME type and text table, its messages with 0-based ranges, and whether
// it succeeded. No editor here, so the notebook, the results notebook and the
// terminal present a job the same way.
import { FIT_OUTPUT_MIME, type FitOutput } from '../output/fitOutput';
import { formatFitTable } from '../output/fitTable';
import { RUN_OUTPUT_MIME, RUN_OUTPUT_SCHEMA, type RunMessage, type RunOutput } from '../output/runOutput';
import { formatSummaryTable } from '../output/summaryTable';
import type { DrawStore } from '../run/drawStore';
import { SBC_OUTPUT_MIME, SBC_OUTPUT_SCHEMA, type SbcOutput } from '../sbc/sbcOutput';
import { formatCalibrationTable } from '../sbc/sbcTable';
import { fromRunMessage, initialOutput as initialFitOutput, toRunMessage } from './fitMessages';
import type { Job, JobKind } from './job';

export type JobOutput = (
  /** A sampling job's final output also holds every kept draw (for Export Draws), with the monitored scalars' names. */
  | { kind: 'sample'; output: RunOutput; draws?: { store: DrawStore; names: string[] } }
  | { kind: 'fit'; output: FitOutput }
  | { kind: 'calibrate'; output: SbcOutput }
) & {
  /** The text table, when it was made from a fuller output than this one (an output cut to its byte budget). */
  text?: string;
};

export const OUTPUT_MIME: Readonly<Record<JobKind, string>> = { sample: RUN_OUTPUT_MIME, fit: FIT_OUTPUT_MIME, calibrate: SBC_OUTPUT_MIME };

/** What an output shows before the engine's first update: the settings, nothing computed yet. */
export function initialJobOutput(job: Job): JobOutput {
  switch (job.kind) {
    case 'sample': {
      const settings = job.request.settings;
      return {
        kind: 'sample',
        output: {
          schema: RUN_OUTPUT_SCHEMA, status: 'running', settings, progress: { done: 0, total: settings.chains * (settings.burnin + settings.iterations) },
          nodes: [], messages: [], timings: { compileMs: 0, sampleMs: 0, totalMs: 0 },
        },
      };
    }
    case 'fit':
      return { kind: 'fit', output: initialFitOutput(job.request.settings) };
    case 'calibrate': {
      const settings = job.request.settings;
      return {
        kind: 'calibrate',
        output: { schema: SBC_OUTPUT_SCHEMA, status: 'running', settings, progress: { done: 0, total: settings.simulations }, failed: 0, nodes: [], messages: [], timings: { totalMs: 0 } },
      };
    }
  }
}

/** The plain-text table beside the rendered output (and the CLI's output). */
export function outputText(o: JobOutput): string {
  if (o.text !== undefined) return o.text;
  switch (o.kind) {
    case 'sample':
      return formatSummaryTable(o.output);
    case 'fit':
      return formatFitTable(o.output);
    case 'calibrate':
      return formatCalibrationTable(o.output);
  }
}

/** The output's messages, ranges 0-based (fit messages count from 1). */
export function outputMessages(o: JobOutput): RunMessage[] {
  return o.kind === 'fit' ? o.output.messages.map(toRunMessage) : o.output.messages;
}

/** The output with each message's range moved by `map` (a named model's cell composed with the running cell). */
export function mapOutputMessages(o: JobOutput, map: (m: RunMessage) => RunMessage): JobOutput {
  const text = o.text === undefined ? {} : { text: o.text };
  switch (o.kind) {
    case 'sample':
      return { kind: o.kind, output: { ...o.output, messages: o.output.messages.map(map) }, ...text };
    case 'fit':
      return { kind: o.kind, output: { ...o.output, messages: o.output.messages.map((m) => fromRunMessage(map(toRunMessage(m)))) }, ...text };
    case 'calibrate':
      return { kind: o.kind, output: { ...o.output, messages: o.output.messages.map(map) }, ...text };
  }
}

/** A failed job with nothing to show but its messages: shown as an error, not as an empty result. */
export function failedWithoutResults(o: JobOutput): boolean {
  switch (o.kind) {
    case 'sample':
      return o.output.status === 'failed';
    case 'fit':
      return o.output.status === 'failed' && o.output.objective.values.length === 0;
    case 'calibrate':
      return o.output.status === 'failed' && o.output.nodes.length === 0;
  }
}

/** Whether the job ran to its end (a fit stopped at its iteration limit did). */
export function succeeded(o: JobOutput): boolean {
  if (o.kind === 'fit') return o.output.status === 'converged' || o.output.status === 'max-iterations';
  return o.output.status === 'complete';
}

/** The job is still going. */
export function isRunning(o: JobOutput): boolean {
  return o.output.status === 'running';
}
