import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RunMessage, RunStatus } from '../output/runOutput';
import { toMessage } from '../run/runner';
import type { CalibrationJob, CalibrationMessage } from './protocol';
import type { CalibrationRequest } from './request';
import { SBC_OUTPUT_SCHEMA, type SbcOutput } from './sbcOutput';
import { CalibrationTally } from './tally';
import { appendAll } from '../collections';

export interface CalibrationOptions {
  /** The calibration worker's script (dist/sbcWorker.js in the extension and the CLI). */
  workerScript: string;
  /** Extra Node flags for the workers, e.g. a TypeScript loader in tests. */
  workerExecArgv?: string[];
  /** Workers at once; defaults to the number of CPUs. */
  maxParallel?: number;
  /** Called with the histograms so far while the calibration goes on. */
  onUpdate?: (output: SbcOutput) => void;
  updateIntervalMs?: number;
}

export interface CalibrationHandle {
  result: Promise<SbcOutput>;
  /** Stops every worker now; the result then holds the simulations finished so far, with status 'cancelled'. */
  cancel(): void;
}

/**
 * Runs a calibration's simulations in worker threads, each worker taking
 * every k-th simulation; the ranks do not depend on the split, since each
 * simulation has its own random streams. Never rejects: problems in the
 * model and crashes become a failed output with messages.
 */
export function startCalibration(request: CalibrationRequest, options: CalibrationOptions): CalibrationHandle {
  const { settings } = request;
  const started = Date.now();
  const workers = new Set<Worker>();
  let tally: CalibrationTally | undefined;
  let doneWorkers = 0;
  let settled = false;
  let lastUpdate = 0;
  let resolve!: (output: SbcOutput) => void;
  const result = new Promise<SbcOutput>((r) => (resolve = r));

  const output = (status: RunStatus, messages: RunMessage[] = []): SbcOutput => {
    const failures: RunMessage[] = [];
    if (tally?.failed) {
      failures.push({
        severity: 'warning',
        message: `${tally.failed} of ${tally.finished} simulations failed and are left out of the histograms, which then check the samplers only on the data the others drew. The first ones:`,
      });
      appendAll(failures, tally.failures.map((message): RunMessage => ({ severity: 'warning', message })));
    }
    return {
      schema: SBC_OUTPUT_SCHEMA,
      status,
      settings,
      progress: { done: tally?.finished ?? 0, total: settings.simulations },
      failed: tally?.failed ?? 0,
      nodes: tally && tally.finished > tally.failed ? tally.results() : [],
      messages: [...request.run.warnings.map(toMessage), ...failures, ...messages],
      timings: { totalMs: Date.now() - started },
    };
  };

  const settle = (status: RunStatus, messages: RunMessage[] = []): void => {
    if (settled) return;
    settled = true;
    for (const w of workers) void w.terminate();
    workers.clear();
    resolve(output(status, messages));
  };

  const onMessage = (message: CalibrationMessage): void => {
    if (settled) return;
    switch (message.type) {
      case 'ready':
        tally ??= new CalibrationTally(message.parameters, settings.draws, settings.bins);
        return;
      case 'outcome':
        tally?.add(message.outcome);
        if (options.onUpdate && Date.now() - lastUpdate >= (options.updateIntervalMs ?? 500)) {
          lastUpdate = Date.now();
          options.onUpdate(output('running'));
        }
        return;
      case 'done':
        if (++doneWorkers < count) return;
        if (tally && tally.failed === tally.finished) settle('failed', [{ severity: 'error', message: 'Every simulation failed; see the messages above.' }]);
        else settle('complete');
        return;
      case 'problems':
        settle('failed', message.problems.map(toMessage));
        return;
      case 'crash':
        settle('failed', [{ severity: 'error', message: `Internal error in a calibration worker: ${message.message}` }]);
        return;
    }
  };

  const count = Math.max(1, Math.min(settings.simulations, options.maxParallel ?? availableParallelism()));
  for (let first = 0; first < count; first++) {
    const job: CalibrationJob = { source: request.run.source, settings, files: request.run.files, first, stride: count };
    const worker = new Worker(options.workerScript, { workerData: job, execArgv: options.workerExecArgv ?? [] });
    workers.add(worker);
    worker.on('message', onMessage);
    worker.on('error', (error) => settle('failed', [{ severity: 'error', message: `A calibration worker stopped: ${error.message}` }]));
    worker.on('exit', () => {
      workers.delete(worker);
      // Let messages still queued from the worker arrive before judging how it ended.
      setImmediate(() => {
        if (!settled && doneWorkers < count && workers.size === 0) settle('failed', [{ severity: 'error', message: 'A calibration worker ended unexpectedly.' }]);
      });
    });
  }

  return { result, cancel: () => settle('cancelled', [{ severity: 'info', message: 'The calibration was cancelled; the histograms hold the simulations finished so far.' }]) };
}
