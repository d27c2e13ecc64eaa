/**
 * One model of a comparison (`compare m1, m2 with loo`), sampled on the job
 * worker path: the model's text is read in a worker of its own (its data and
 * inits files too, never on the caller's thread) and sampled with the
 * pointwise log-likelihood recorded; only the comparison's summary comes
 * back. The caller words the outcome for its cell.
 */
import type { ModelComparison, RunMessage } from '../output/runOutput';
import { BUILT_IN_DEFAULTS } from '../run/request';
import { runJobInWorker, type RunInWorkerOptions, type WorkerRequest } from './jobInWorker';

export type ComparisonSample =
  | { kind: 'sampled'; comparison: ModelComparison }
  /** The model's text, data or inits could not be read: the problems found. */
  | { kind: 'unreadable'; problems: RunMessage[] }
  /** It was read but did not finish sampling (stopped, or failed): the errors it gave, if any. */
  | { kind: 'unfinished'; errors: RunMessage[] }
  /** It sampled, but has no observed nodes: nothing to compare on. */
  | { kind: 'nothing-observed' };

export async function sampleForComparison(request: WorkerRequest, options: RunInWorkerOptions = {}): Promise<ComparisonSample> {
  const { choices } = request;
  const sample = { ...(choices.sample ?? BUILT_IN_DEFAULTS), loo: true };
  let failed: { messages: RunMessage[]; started: boolean } | undefined;
  const final = await runJobInWorker({ ...request, choices: { ...choices, kind: 'sample', sample } }, {
    finish: () => {},
    fail: (messages, output) => {
      failed = { messages, started: output !== undefined };
    },
  }, options);
  if (failed && !failed.started) return { kind: 'unreadable', problems: failed.messages };
  if (final?.kind !== 'sample' || final.output.status !== 'complete' || failed) {
    const messages = failed?.messages ?? (final?.kind === 'sample' ? final.output.messages : []);
    return { kind: 'unfinished', errors: messages.filter((m) => m.severity === 'error') };
  }
  return final.output.modelComparison ? { kind: 'sampled', comparison: final.output.modelComparison } : { kind: 'nothing-observed' };
}
