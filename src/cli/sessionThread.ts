import { join } from 'node:path';
import { workerData } from 'node:worker_threads';
import { FAILED_TO_START, type SessionAnswer, type SessionWorkerData } from '../engine/run/chainThreads';
import { runWithCodeCache } from './codeCache';

/*
 * The worker thread a `latent jags` session runs chains in (dist/sessionThread.js):
 * the engine's session worker, sessionWorker.js beside it, run through V8's code
 * cache as the CLI itself is (codeCache.ts). The worker writes the cache when the
 * session closes it, before the process ends. A worker that cannot load the
 * engine answers the session's first call with why, instead of leaving it waiting.
 */
try {
  const { save } = runWithCodeCache(join(__dirname, 'sessionWorker.js'), join(__dirname, 'sessionWorker.cache'), { require, module });
  (module.exports as { codeCache: { save: () => void } }).codeCache.save = save;
} catch (e) {
  const data = workerData as SessionWorkerData;
  const answer: SessionAnswer = { failure: `the worker thread for chains could not load the engine: ${e instanceof Error ? e.message : String(e)}` };
  data.port.postMessage(answer);
  Atomics.store(data.signals, data.slot, FAILED_TO_START);
  Atomics.notify(data.signals, data.slot);
}
