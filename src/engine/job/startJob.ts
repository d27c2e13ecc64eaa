import { join } from 'node:path';
import { startFit } from '../fit/startFit';
import { startRun } from '../run/runner';
import { startCalibration } from '../sbc/runner';
import type { Job } from './job';
import type { JobOutput } from './output';

/** Where the engine's worker scripts are: the bundle's folder (dist/), which holds worker.js, fitWorker.js, em-worker.js and sbcWorker.js. */
export interface JobWorkers {
  folder: string;
  /** Extra Node flags for the workers, e.g. a TypeScript loader in tests. */
  execArgv?: string[];
  /** Worker scripts named otherwise than the bundle names them (tests run the TypeScript sources). */
  scripts?: Partial<Record<'chain' | 'fit' | 'em' | 'sbc', string>>;
  /** Workers at once for chains and simulations; the number of CPUs otherwise. */
  maxParallel?: number;
  /** Milliseconds between streamed updates; the engine's own defaults otherwise. */
  updateIntervalMs?: number;
}

export interface JobHandle {
  /** Never rejects: problems in the model and crashes become a failed output with messages. */
  result: Promise<JobOutput>;
  /** Stops the job now; the result then holds what was done so far, marked cancelled. */
  cancel(): void;
}

/** Starts a job in worker threads, streaming its output through `onUpdate`: the one entry to the engine for every kind. */
export function startJob(job: Job, workers: JobWorkers, onUpdate?: (output: JobOutput) => void): JobHandle {
  const script = (name: 'chain' | 'fit' | 'em' | 'sbc', file: string): string => workers.scripts?.[name] ?? join(workers.folder, file);
  const execArgv = workers.execArgv;
  switch (job.kind) {
    case 'sample': {
      const handle = startRun(job.request, {
        workerScript: script('chain', 'worker.js'), workerExecArgv: execArgv, maxParallel: workers.maxParallel, updateIntervalMs: workers.updateIntervalMs,
        onUpdate: onUpdate && ((output) => onUpdate({ kind: 'sample', output })),
      });
      return {
        result: handle.result.then((r) => ({ kind: 'sample', output: r.output, ...(r.draws ? { draws: { store: r.draws, names: r.monitors.map((m) => m.name) } } : {}) })),
        cancel: () => handle.cancel(),
      };
    }
    case 'fit': {
      const handle = startFit(job.request, {
        workerScript: script('fit', 'fitWorker.js'), emWorkerScript: script('em', 'em-worker.js'), workerExecArgv: execArgv, updateEveryMs: workers.updateIntervalMs,
        onUpdate: onUpdate && ((output) => onUpdate({ kind: 'fit', output })),
      });
      return { result: handle.result.then((output) => ({ kind: 'fit', output })), cancel: () => handle.cancel() };
    }
    case 'calibrate': {
      const handle = startCalibration(job.request, {
        workerScript: script('sbc', 'sbcWorker.js'), workerExecArgv: execArgv, maxParallel: workers.maxParallel, updateIntervalMs: workers.updateIntervalMs,
        onUpdate: onUpdate && ((output) => onUpdate({ kind: 'calibrate', output })),
      });
      return { result: handle.result.then((output) => ({ kind: 'calibrate', output })), cancel: () => handle.cancel() };
    }
  }
}
