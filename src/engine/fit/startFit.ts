import { Worker } from 'node:worker_threads';
import type { FitOutput } from '../output/fitOutput';
import type { FitRequest } from '../run/fitRequest';
import type { FitJob, FitWorkerMessage } from './fitWorker';

export interface StartFitOptions {
  /** The fit's worker script (dist/fitWorker.js): the fit runs off the caller's thread, so an editor never waits on it. */
  workerScript: string;
  /** The mixture kernel's E-step workers (dist/em-worker.js), for threads > 1. */
  emWorkerScript?: string;
  workerExecArgv?: string[];
  onUpdate?: (output: FitOutput) => void;
  updateEveryMs?: number;
}

/**
 * Starts a fit in a worker thread. Updates stream through `onUpdate`;
 * `cancel` stops the worker at once (an EM iteration is not interrupted
 * politely: the last streamed state is the result, marked cancelled).
 */
export function startFit(request: FitRequest, options: StartFitOptions): { result: Promise<FitOutput>; cancel(): void } {
  let last: FitOutput | undefined;
  let settle!: (output: FitOutput) => void;
  let settled = false;
  const result = new Promise<FitOutput>((resolve) => (settle = resolve));
  const finish = (output: FitOutput): void => {
    if (settled) return;
    settled = true;
    settle(output);
    void worker.terminate();
  };
  const job: FitJob = { request, emWorkerScript: options.emWorkerScript, workerExecArgv: options.workerExecArgv, updateEveryMs: options.updateEveryMs };
  const worker = new Worker(options.workerScript, { workerData: job, execArgv: options.workerExecArgv ?? [] });
  worker.on('message', (message: FitWorkerMessage) => {
    if (settled) return;
    last = message.output;
    if (message.type === 'update') options.onUpdate?.(message.output);
    else finish(message.output);
  });
  worker.on('error', (error) => finish(failed(request, last, `The fit stopped: ${error.message}`)));
  worker.on('exit', () => setImmediate(() => finish(failed(request, last, 'The fit ended unexpectedly.'))));
  return {
    result,
    cancel: () => {
      if (settled) return;
      const output = last ?? failed(request, undefined, '');
      finish({ ...output, status: 'cancelled', messages: [...output.messages.filter((m) => m.message), { severity: 'info', message: `Cancelled after ${output.iteration} iteration(s); the parameters shown are the last ones reported.` }] });
    },
  };
}

function failed(request: FitRequest, last: FitOutput | undefined, message: string): FitOutput {
  const base: FitOutput = last ?? {
    schema: 'latent.fit/1', status: 'failed', settings: request.settings, engine: '', latent: [], parameters: [], iteration: 0,
    objective: { kind: 'loglik', values: [] }, params: [], messages: [], timing: { seconds: 0, secondsPerIteration: 0 },
  };
  return { ...base, status: 'failed', messages: message ? [...base.messages, { severity: 'error', message }] : base.messages };
}
