import type { RunMessage } from '../output/runOutput';
import type { RequestFiles } from '../run/request';
import type { JobChoices } from './job';
import type { JobOutput } from './output';
import type { JobWorkers } from './startJob';

/** What a job's worker is started with: plain data (the worker reads the files itself). */
export interface JobWorkerRequest {
  source: string;
  choices: JobChoices;
  options: Partial<RequestFiles>;
  workers: JobWorkers;
  /** The byte budget of one output (undefined: DEFAULT_MAX_OUTPUT_BYTES). */
  maxOutputBytes?: number;
}

export type ToJobWorker = { type: 'cancel' };

export type FromJobWorker =
  | { type: 'show'; output: JobOutput }
  | { type: 'finish'; output: JobOutput }
  | { type: 'fail'; messages: RunMessage[]; output?: JobOutput }
  /** Something other than a problem in the document was thrown (a bug): the cell shows it as an error. */
  | { type: 'crash'; message: string };
