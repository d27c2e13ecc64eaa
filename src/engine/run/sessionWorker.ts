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

/** The session `open` gave, or why it could not be opened (answered to every later call). */
let session: ModelSession | undefined;
let openFailure: SessionAnswer | undefined;

function open(call: Extract<SessionCall, { kind: 'open' }>): void {
  try {
    session = new ModelSession(call.request, call.chainCount, { hosted: call.hosted, onProgress: () => Atomics.add(data.signals, data.workers + data.slot, 1) });
    // While the session's thread reads initial values and prepares its own chains.
    for (const chain of call.hosted) session.compileAhead(chain);
  } catch (e) {
    openFailure = failureOf(e);
  }
}

function failureOf(e: unknown): SessionAnswer {
  return e instanceof ModelError ? { problems: e.problems } : { failure: e instanceof Error ? e.message : String(e) };
}

function answer(call: Exclude<SessionCall, { kind: 'open' }>): unknown {
  if (call.kind === 'close') {
    codeCache.save();
    return undefined;
  }
  if (!session) throw new Error('the worker thread was asked to run chains before it was given its session');
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
  }
}

data.port.on('message', (call: SessionCall) => {
  if (call.kind === 'open') return open(call);
  let reply: SessionAnswer;
  try {
    reply = call.kind !== 'close' && openFailure ? openFailure : { value: answer(call) };
  } catch (e) {
    reply = failureOf(e);
  }
  data.port.postMessage(reply);
  Atomics.add(data.signals, data.slot, 1);
  Atomics.notify(data.signals, data.slot);
  if (call.kind === 'close') data.port.close();
});
