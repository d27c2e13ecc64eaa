import { parentPort, workerData } from 'node:worker_threads';
import type { FitOutput } from '../output/fitOutput';
import type { FitRequest } from '../run/fitRequest';
import { runFit } from './runFit';

/** What the coordinator sends: the request, already read, and where the mixture kernel's own workers live. */
export interface FitJob {
  request: FitRequest;
  emWorkerScript?: string;
  workerExecArgv?: string[];
  updateEveryMs?: number;
}

export type FitWorkerMessage = { type: 'update'; output: FitOutput } | { type: 'done'; output: FitOutput };

const job = workerData as FitJob;
void runFit(job.request, {
  emWorkerScript: job.emWorkerScript,
  workerExecArgv: job.workerExecArgv,
  updateEveryMs: job.updateEveryMs,
  onUpdate: (output) => parentPort!.postMessage({ type: 'update', output } satisfies FitWorkerMessage),
}).then((output) => parentPort!.postMessage({ type: 'done', output } satisfies FitWorkerMessage));
