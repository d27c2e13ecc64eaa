// The worker thread a notebook cell's job runs in: it reads the document and
// its data and inits files, runs the job (whose chains are workers of this
// worker) and keeps every draw; the editor's thread gets only the outputs,
// within their byte budget. See jobInWorker.ts for the other side.
import { randomInt } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { ModelError } from '../language/source';
import { stanCsvText } from '../output/stanCsvWriter';
import { toMessage } from '../run/runner';
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

const read = () => readJob(request.source, request.choices, () => randomInt(0, 2 ** 31), request.options);

/** Writes the kept draws of a finished sampling job, one Stan CSV file per chain. */
function exportDraws(o: JobOutput, to: { folder: string; model: string }): void {
  if (o.kind !== 'sample' || !o.draws || o.draws.store.total() === 0) return post({ type: 'exported', exported: { files: [], columns: 0, draws: 0 } });
  const { store, names } = o.draws;
  mkdirSync(to.folder, { recursive: true });
  const files = Array.from({ length: store.chains }, (_, chain) => {
    const file = join(to.folder, `chain-${chain + 1}.csv`);
    writeFileSync(file, stanCsvText(store, names, chain, o.output.settings, to.model));
    return file;
  });
  post({ type: 'exported', exported: { files, columns: names.length, draws: store.total() } });
}

if (request.checkOnly) {
  try {
    const job = read();
    post({ type: 'checked', warnings: job.kind === 'sample' ? job.request.warnings.map(toMessage) : [] });
  } catch (e) {
    if (e instanceof ModelError) post({ type: 'fail', messages: e.problems.map(toMessage) });
    else post({ type: 'crash', message: e instanceof Error ? e.message : String(e) });
  }
} else {
  void runJob(
    read,
    (job, onUpdate) => startJob(job, request.workers, onUpdate),
    {
      show: (o) => post({ type: 'show', output: shown(o) }),
      finish: (o) => {
        if (request.exportDraws) exportDraws(o, request.exportDraws);
        post({ type: 'finish', output: shown(o) });
      },
      fail: (messages, o) => post({ type: 'fail', messages, ...(o ? { output: shown(o) } : {}) }),
    },
    cancellation,
  ).catch((e: unknown) => post({ type: 'crash', message: e instanceof Error ? e.message : String(e) }));
}
