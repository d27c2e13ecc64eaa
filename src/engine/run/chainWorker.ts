import { parentPort, workerData } from 'node:worker_threads';
import { ModelError } from '../language/source';
import { prepareChain, sampleChain } from './chainSession';
import { DrawStore } from './drawStore';
import type { ChainJob, ChainMessage, SummaryJob, SummaryMessage, WorkerJob } from './protocol';
import { readRequest } from '../job/job';
import { concat, summarizeDraws } from './summarize';

/** Runs one chain in a worker thread and streams its draws to the coordinator. */
function runChainJob(job: ChainJob): void {
  const post = (message: ChainMessage, transfer: ArrayBuffer[] = []): void => parentPort!.postMessage(message, transfer);
  try {
    post({ type: 'phase', phase: 'reading the data' });
    const request = readRequest('sample', job.source, job.settings, () => job.settings.seed, job.files);
    request.settings = job.settings;
    const session = prepareChain(request, job.chain, (phase) => post({ type: 'phase', phase }));
    const pointwise = session.pointwise;
    const families = pointwise?.parameters?.families;
    post({ type: 'ready', monitors: session.monitors.map((m) => ({ name: m.name, sampler: m.sampler })), ...(pointwise ? { observed: pointwise.names } : {}), ...(families ? { parameterFamilies: families } : {}) });
    const total = job.settings.burnin + job.settings.iterations;
    let lastPost = 0;
    let pending: Float64Array[] = [];
    let pendingLogLik: Float64Array[] = [];
    let pendingParameters: Float64Array[] = [];
    sampleChain(session, job.settings, (done, draws) => {
      pending.push(draws);
      if (pointwise) {
        const taken = pointwise.take();
        pendingLogLik.push(taken.logLik);
        if (taken.parameters) pendingParameters.push(taken.parameters);
      }
      const now = Date.now();
      // Stream about ten times a second: often enough for live plots, rare enough to stay cheap.
      if (now - lastPost < 100 && done < total) return;
      lastPost = now;
      const merged = pending.length === 1 ? pending[0]! : concat(pending);
      pending = [];
      if (!pointwise) return post({ type: 'progress', done, draws: merged }, [merged.buffer as ArrayBuffer]);
      const logLik = concat(pendingLogLik);
      pendingLogLik = [];
      if (!pointwise.parameters) return post({ type: 'progress', done, draws: merged, logLik }, [merged.buffer as ArrayBuffer, logLik.buffer as ArrayBuffer]);
      const parameters = concat(pendingParameters);
      pendingParameters = [];
      post({ type: 'progress', done, draws: merged, logLik, parameters }, [merged.buffer as ArrayBuffer, logLik.buffer as ArrayBuffer, parameters.buffer as ArrayBuffer]);
    });
    post({
      type: 'done',
      ...(pointwise ? { unobservedSums: pointwise.sums, kept: pointwise.kept } : {}),
      ...(session.checks ? { checks: session.checks.results() } : {}),
      ...(session.predictive ? { predictive: session.predictive.take() } : {}),
    });
  } catch (e) {
    if (e instanceof ModelError) post({ type: 'problems', problems: e.problems });
    else post({ type: 'crash', message: e instanceof Error ? e.message : String(e), ...(e instanceof Error && e.stack ? { stack: e.stack } : {}) });
  }
}

/** Summarises a finished run's draws, so the coordinator's thread (the editor's) never sorts millions of draws. */
function runSummaryJob(job: SummaryJob): void {
  let message: SummaryMessage;
  try {
    const store = DrawStore.fromChunks(job.chunks, job.monitors.length);
    message = { type: 'summary', nodes: summarizeDraws(store, job.monitors, job.thin, false) };
  } catch (e) {
    message = { type: 'crash', message: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(message);
}

const job = workerData as WorkerJob;
if (job.kind === 'summarize') runSummaryJob(job);
else runChainJob(job);
