import { workerData } from 'node:worker_threads';
import { ModelError } from '../language/source';
import type { SessionAnswer, SessionCall, SessionWorkerData } from './chainThreads';
import { ModelSession } from './modelSession';

/**
 * A worker thread running some chains of a JAGS-style session (chainThreads.ts):
 * a ModelSession of its own for those chains, answering the session's calls
 * in order. After each answer it sets its word in `signals`, which the
 * session's thread waits on.
 */
const data = workerData as SessionWorkerData;

/** Set by the CLI's launcher of this worker (cli/sessionThread.ts) to write its code cache when the session ends. */
export const codeCache = { save: (): void => {} };

const session = new ModelSession(data.request, data.chainCount, { hosted: data.hosted, onProgress: () => Atomics.add(data.signals, data.workers + data.slot, 1) });

function answer(call: SessionCall): unknown {
  switch (call.kind) {
    case 'initialize':
      return session.initialize(call.starts);
    case 'update':
      return session.update(call.n, call.adapt);
    case 'monitor':
      session.addMonitor(call.target, call.thin, call.withDeviance);
      return undefined;
    case 'clear':
      return session.clearMonitor(call.label);
    case 'records':
      return session.hostedRecords();
    case 'parameters':
      return session.parameterValues(call.chain);
    case 'close':
      codeCache.save();
      return undefined;
  }
}

// While the session's thread reads initial values and prepares its own chains.
for (const chain of data.hosted) session.compileAhead(chain);

data.port.on('message', (call: SessionCall) => {
  let reply: SessionAnswer;
  try {
    reply = { value: answer(call) };
  } catch (e) {
    reply = e instanceof ModelError ? { problems: e.problems } : { failure: e instanceof Error ? e.message : String(e) };
  }
  data.port.postMessage(reply);
  Atomics.add(data.signals, data.slot, 1);
  Atomics.notify(data.signals, data.slot);
  if (call.kind === 'close') data.port.close();
});
