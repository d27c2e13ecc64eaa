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
  /** Only read the document (Check Model): its problems, or its warnings, and nothing runs. */
  checkOnly?: boolean;
  /** Write a sampling job's kept draws as one Stan CSV file per chain into `folder` (Export Draws): the draws never leave the worker. */
  exportDraws?: { folder: string; model: string };
}

/** What Export Draws wrote. */
export interface ExportedDraws {
  files: string[];
  columns: number;
  draws: number;
}

export type ToJobWorker = { type: 'start'; request: JobWorkerRequest } | { type: 'cancel' };

export type FromJobWorker =
  | { type: 'show'; output: JobOutput }
  | { type: 'finish'; output: JobOutput }
  | { type: 'fail'; messages: RunMessage[]; output?: JobOutput }
  /** Something other than a problem in the document was thrown (a bug): the cell shows it as an error. */
  | { type: 'crash'; message: string }
  /** A check-only request read the document without problems: its warnings. */
  | { type: 'checked'; warnings: RunMessage[] }
  /** Sent before `finish` when the request asked for the draws to be exported. */
  | { type: 'exported'; exported: ExportedDraws };
