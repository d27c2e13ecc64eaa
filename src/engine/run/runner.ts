import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { RUN_OUTPUT_SCHEMA, type NodeResult, type RunMessage, type RunOutput, type RunStatus } from '../output/runOutput';
import type { Problem } from '../language/source';
import { modelComparison, newRecordedPointwise, type RecordedPointwise } from './comparison';
import { DrawStore } from './drawStore';
import { mergeChecks, type ChainCheck } from './predictiveChecks';
import { predictiveOutput, type PredictiveSums } from './predictive';
import type { ChainJob, ChainMessage, SummaryJob, SummaryMessage } from './protocol';
import type { RunRequest } from './request';
import { labelSwitchingMessages, summarizeDraws, type MonitorInfo } from './summarize';

export interface RunOptions {
  /** The chain worker's script (dist/worker.js in the extension). */
  workerScript: string;
  /** Extra Node flags for the workers, e.g. a TypeScript loader in tests. */
  workerExecArgv?: string[];
  /** Chains run at once; defaults to the number of CPUs. */
  maxParallel?: number;
  /** Called with a preview of the output while the run goes on. */
  onUpdate?: (output: RunOutput) => void;
  updateIntervalMs?: number;
}

export interface RunOutcome {
  output: RunOutput;
  /** Every kept draw, for exports and the CLI. */
  draws: DrawStore | undefined;
  monitors: MonitorInfo[];
}

export interface RunHandle {
  result: Promise<RunOutcome>;
  /** Stops every chain now; the result then holds the draws so far, with status 'cancelled'. */
  cancel(): void;
}

/**
 * Runs the chains of a request in worker threads, at most `maxParallel` at a
 * time, merging their streamed draws. Never rejects: problems in the model
 * and crashes become a failed output with messages.
 */
export function startRun(request: RunRequest, options: RunOptions): RunHandle {
  const { settings } = request;
  const started = Date.now();
  const workers = new Map<number, Worker>();
  const done = new Array<number>(settings.chains).fill(0);
  const finished = new Set<number>();
  let monitors: MonitorInfo[] | undefined;
  let store: DrawStore | undefined;
  let pointwise: RecordedPointwise | undefined;
  const checks: ChainCheck[][] = [];
  const predictive: PredictiveSums[] = [];
  let compiledAt: number | undefined;
  let phase: string | undefined = 'starting the chains';
  let nextChain = 0;
  let settled = false;
  let lastUpdate = 0;
  let resolve!: (outcome: RunOutcome) => void;
  const result = new Promise<RunOutcome>((r) => (resolve = r));

  const output = (status: RunStatus, messages: RunMessage[], nodes: NodeResult[]): RunOutput => {
    const now = Date.now();
    return {
      schema: RUN_OUTPUT_SCHEMA,
      status,
      settings,
      progress: { done: done.reduce((a, b) => a + b, 0), total: settings.chains * (settings.burnin + settings.iterations) },
      ...(status === 'running' && nodes.length === 0 && phase ? { phase } : {}),
      nodes,
      // Warnings from reading the request (e.g. data the model never uses) come first, on every output.
      messages: [...request.warnings.map(toMessage), ...messages, ...labelSwitchingMessages(nodes)],
      timings: {
        compileMs: (compiledAt ?? now) - started,
        sampleMs: compiledAt === undefined ? 0 : now - compiledAt,
        totalMs: now - started,
      },
    };
  };
  const summaries = (preview: boolean): NodeResult[] => (store && monitors ? summarizeDraws(store, monitors, settings.thin, preview) : []);

  // The final summaries' worker of a large run, while it works: Stop ends it.
  let summarizing: { stop(): void } | undefined;
  const settle = (status: RunStatus, messages: RunMessage[] = []): void => {
    if (settled) return;
    settled = true;
    for (const w of workers.values()) void w.terminate();
    workers.clear();
    const finish = (nodes: NodeResult[], extra: RunMessage[] = [], finalStatus = status): void => {
      summarizing = undefined;
      const result = output(finalStatus, [...messages, ...extra], nodes);
      const comparison = pointwise && finalStatus !== 'failed' ? modelComparison(request, pointwise) : undefined;
      if (comparison) result.modelComparison = comparison;
      if (checks.length > 0 && status !== 'failed') result.predictiveChecks = mergeChecks(checks.filter((c) => c !== undefined));
      // Chains send their sums when they end: a cancelled run summarises the chains that finished.
      const ended = predictive.filter((p) => p !== undefined);
      if (settings.predictive && ended.length && status !== 'failed') result.predictive = predictiveOutput(settings.predictive, ended, request.data, settings.thin);
      resolve({ output: result, draws: store, monitors: monitors ?? [] });
    };
    const values = store ? store.total() * store.width : 0;
    if (status === 'cancelled' && values > CANCELLED_SUMMARY_LIMIT) {
      // A cancel must answer at once: summarise the displayed (thinned) draws only.
      finish(summaries(true), [{ severity: 'info', message: `Summaries of this cancelled run use a thinned subset of its ${store!.total()} draws.` }]);
    } else if (values <= SYNCHRONOUS_SUMMARY_LIMIT) {
      finish(summaries(false));
    } else {
      phase = 'summarising the draws';
      const job = summarizeInWorker(store!, monitors!, settings.thin, options);
      summarizing = {
        stop: () => {
          job.stop();
          finish(summaries(true), [{ severity: 'info', message: `The run was stopped while summarising its ${store!.total()} draws: the summaries use a thinned subset of them, without diagnostics.` }], 'cancelled');
        },
      };
      job.result.then(
        (nodes) => summarizing && finish(nodes),
        // A summary worker that dies is the run's failure, said in the output: never a run that does not end.
        (error: Error) => summarizing && finish([], [{ severity: 'error', message: `Summarising the draws failed: ${error.message}` }], 'failed'),
      );
    }
  };

  const launch = (chain: number): void => {
    const job: ChainJob = { kind: 'chain', source: request.source, settings, chain, files: request.files };
    const worker = new Worker(options.workerScript, { workerData: job, execArgv: options.workerExecArgv ?? [] });
    workers.set(chain, worker);
    worker.on('message', (message: ChainMessage) => onMessage(chain, message));
    worker.on('error', (error) => settle('failed', [{ severity: 'error', message: `Chain ${chain + 1} stopped: ${error.message}` }]));
    worker.on('exit', () => {
      workers.delete(chain);
      // Let messages still queued from the worker arrive before judging how it ended.
      setImmediate(() => {
        if (!settled && !finished.has(chain)) settle('failed', [{ severity: 'error', message: `Chain ${chain + 1} ended unexpectedly.` }]);
      });
    });
  };

  const onMessage = (chain: number, message: ChainMessage): void => {
    if (settled) return;
    switch (message.type) {
      case 'phase':
        // The chains go through the same steps at once: the steps of whichever reports stand for all, until the first is ready.
        if (!monitors) {
          phase = message.phase;
          options.onUpdate?.(output('running', [], []));
        }
        return;
      case 'ready':
        if (!monitors) {
          monitors = message.monitors;
          store = new DrawStore(settings.chains, monitors.length);
          if (message.observed) pointwise = newRecordedPointwise(settings.chains, message.observed, message.parameterFamilies);
          compiledAt = Date.now();
          phase = settings.burnin > 0 ? 'burning in (draws are kept after it)' : 'sampling';
        }
        return;
      case 'progress':
        done[chain] = message.done;
        store?.append(chain, message.draws);
        if (message.logLik) pointwise?.store.append(chain, message.logLik);
        if (message.parameters) pointwise?.parameters?.store.append(chain, message.parameters);
        maybeUpdate();
        return;
      case 'done':
        finished.add(chain);
        if (pointwise && message.unobservedSums) addSums(pointwise, message.unobservedSums, message.kept ?? 0);
        if (message.checks) checks[chain] = message.checks;
        if (message.predictive) predictive[chain] = message.predictive;
        if (nextChain < settings.chains) launch(nextChain++);
        else if (finished.size === settings.chains) settle('complete');
        return;
      case 'problems':
        settle('failed', message.problems.map(toMessage));
        return;
      case 'crash':
        settle('failed', [{ severity: 'error', message: `Internal error in chain ${chain + 1}: ${message.message}` }]);
        return;
    }
  };

  const maybeUpdate = (): void => {
    if (!options.onUpdate) return;
    const now = Date.now();
    if (now - lastUpdate < (options.updateIntervalMs ?? 500)) return;
    lastUpdate = now;
    options.onUpdate(output('running', [], summaries(true)));
  };

  const parallel = Math.max(1, Math.min(settings.chains, options.maxParallel ?? availableParallelism()));
  while (nextChain < parallel) launch(nextChain++);

  const cancel = (): void => {
    if (summarizing) return summarizing.stop();
    const drawn = store !== undefined && store.total() > 0;
    settle('cancelled', [{
      severity: 'info',
      message: drawn ? 'The run was cancelled; the summaries use the draws made so far.' : `The run was cancelled before any draws were kept (while ${(phase ?? 'starting').replace(/ \(.*\)$/, '')}); there is nothing to summarise.`,
    }]);
  };
  return { result, cancel };
}

function addSums(pointwise: RecordedPointwise, sums: Float64Array, kept: number): void {
  if (!pointwise.sums) pointwise.sums = new Float64Array(sums.length);
  for (let k = 0; k < sums.length; k++) pointwise.sums[k] += sums[k]!;
  pointwise.kept += kept;
}

/** Above this many stored values, final summaries (sorting every draw) leave the coordinator's thread. */
const SYNCHRONOUS_SUMMARY_LIMIT = 200_000;
/**
 * Above this many stored values, a cancelled run is summarised from the thinned draws its previews show. Its full
 * summaries run code the run has not warmed: 2 chains of 29,000 draws of 2 monitors took 290 ms after Stop, a third
 * of the wait for the cell to end in VS Code; 50,000 values take about 130 ms.
 */
const CANCELLED_SUMMARY_LIMIT = 50_000;

/**
 * Summarises a run's draws in a worker thread. `stop` ends the worker at once (Stop pressed while it
 * works); a worker that throws, crashes or exits without an answer rejects the result.
 */
function summarizeInWorker(store: DrawStore, monitors: MonitorInfo[], thin: number, options: RunOptions): { result: Promise<NodeResult[]>; stop(): void } {
  const job: SummaryJob = { kind: 'summarize', chunks: store.allChunks(), monitors, thin };
  const worker = new Worker(options.workerScript, { workerData: job, execArgv: options.workerExecArgv ?? [] });
  const result = new Promise<NodeResult[]>((resolve, reject) => {
    worker.once('message', (message: SummaryMessage) => {
      void worker.terminate();
      if (message.type === 'summary') resolve(message.nodes);
      else reject(new Error(message.message));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => setImmediate(() => reject(new Error(`its worker ended without an answer (exit code ${code})`))));
  });
  return { result, stop: () => void worker.terminate() };
}

export function toMessage(p: Problem): RunMessage {
  return {
    severity: p.severity,
    message: p.message,
    range: { startLine: p.range.start.line, startColumn: p.range.start.column, endLine: p.range.end.line, endColumn: p.range.end.column },
  };
}
