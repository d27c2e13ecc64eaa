// The process a notebook cell's job runs in: it reads the document and its
// data and inits files, runs the job (whose chains are worker threads of this
// process) and keeps every draw; the editor gets only the outputs, within
// their byte budget. See jobInWorker.ts for the other side.
import { randomInt } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelError } from '../language/source';
import { stanCsvText } from '../output/stanCsvWriter';
import { toMessage } from '../run/runner';
import { readJob } from './job';
import { boundJobOutput } from './outputBudget';
import { Cancellation, runJob } from './sink';
import { startJob } from './startJob';
import type { JobOutput } from './output';
import type { FromJobWorker, JobWorkerRequest, ToJobWorker } from './jobWorkerProtocol';
import { keepAllocationsYoung } from '../run/youngAllocation';

// A large model's compile must not meet V8's pretenuring (youngAllocation.ts); this process's worker threads share the flag.
keepAllocationsYoung();

const post = (message: FromJobWorker): void => void process.send?.(message);
const cancellation = new Cancellation();
process.on('message', (message: ToJobWorker) => {
  if (message.type === 'start') start(message.request);
  else if (message.type === 'cancel') cancellation.cancel();
});
// The editor went away without ending this job (it crashed or was killed): end at once, leaving nothing behind.
process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));

/** An output as the editor gets it: no draws (they stay here), traces within the byte budget. */
const shown = (o: JobOutput, request: JobWorkerRequest): JobOutput => boundJobOutput(o.kind === 'sample' ? { kind: 'sample', output: o.output } : o, request.maxOutputBytes);

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

let started = false;

function start(request: JobWorkerRequest): void {
  if (started) return;
  started = true;
  const read = () => readJob(request.source, request.choices, () => randomInt(0, 2 ** 31), request.options);
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
        show: (o) => post({ type: 'show', output: shown(o, request) }),
        finish: (o) => {
          if (request.exportDraws) exportDraws(o, request.exportDraws);
          post({ type: 'finish', output: shown(o, request) });
        },
        fail: (messages, o) => post({ type: 'fail', messages, ...(o ? { output: shown(o, request) } : {}) }),
      },
      cancellation,
    ).catch((e: unknown) => post({ type: 'crash', message: e instanceof Error ? e.message : String(e) }));
  }
}
