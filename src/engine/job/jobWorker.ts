// The worker thread a notebook cell's job runs in: it reads the document and
// its data and inits files, runs the job (whose chains are workers of this
// worker) and keeps every draw; the editor's thread gets only the outputs,
// within their byte budget. See jobInWorker.ts for the other side.
import { randomInt } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { readJob } from './job';
import { boundJobOutput } from './outputBudget';
import { Cancellation, runJob } from './sink';
import { startJob } from './startJob';
import type { JobOutput } from './output';
import type { FromJobWorker, JobWorkerRequest, ToJobWorker } from './jobWorkerProtocol';

const request = workerData as JobWorkerRequest;
const port = parentPort!;
const post = (message: FromJobWorker): void => port.postMessage(message);
const cancellation = new Cancellation();
port.on('message', (message: ToJobWorker) => {
  if (message.type === 'cancel') cancellation.cancel();
});

/** An output as the editor gets it: no draws (they stay here), traces within the byte budget. */
const shown = (o: JobOutput): JobOutput => boundJobOutput(o.kind === 'sample' ? { kind: 'sample', output: o.output } : o, request.maxOutputBytes);

runJob(
  () => readJob(request.source, request.choices, () => randomInt(0, 2 ** 31), request.options),
  (job, onUpdate) => startJob(job, request.workers, onUpdate),
  {
    show: (o) => post({ type: 'show', output: shown(o) }),
    finish: (o) => post({ type: 'finish', output: shown(o) }),
    fail: (messages, o) => post({ type: 'fail', messages, ...(o ? { output: shown(o) } : {}) }),
  },
  cancellation,
).then(
  () => port.close(),
  (e: unknown) => {
    post({ type: 'crash', message: e instanceof Error ? e.message : String(e) });
    port.close();
  },
);
