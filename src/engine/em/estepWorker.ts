/**
 * An E-step worker thread: waits on the control words for a new generation,
 * runs the family's kernel over its slice of rows with the parameters in
 * shared memory, writes its statistics block and counts itself done.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  COMMAND_ACCUMULATE_WITH_OUTPUTS, COMMAND_EXIT, CONTROL_COMMAND, CONTROL_DONE, CONTROL_ERROR, CONTROL_GENERATION,
  type EStepWorkerData, type EStepWorkerMessage,
} from './estepProtocol';
import { createKernel } from './kernels';
import { NO_OUTPUTS, type RowOutputs, type RowSlice } from './rows';

const job = workerData as EStepWorkerData;
const control = new Int32Array(job.control);
const kernel = createKernel(job.kind, job.K, job.d);
const parameters = new Float64Array(job.parameters);
const packed = parameters.subarray(0, kernel.packedLength);
const stats = new Float64Array(job.stats, job.thread * kernel.statsLength * 8, kernel.statsLength);
const slice: RowSlice = {
  data: new Float64Array(job.data),
  rowStart: job.rowStart,
  rowEnd: job.rowEnd,
  incompleteFlags: job.incompleteFlags ? new Uint8Array(job.incompleteFlags) : null,
  incompleteRows: new Int32Array(job.incompleteRows),
  incompleteStart: job.incompleteStart,
  incompleteEnd: job.incompleteEnd,
};
const outputs: RowOutputs = {
  rowLogLikelihood: job.rowLogLikelihood ? new Float64Array(job.rowLogLikelihood) : null,
  responsibilities: job.responsibilities ? new Float64Array(job.responsibilities) : null,
};
const post = (message: EStepWorkerMessage): void => parentPort!.postMessage(message);

post({ type: 'ready' });
let seen = 0;
for (;;) {
  Atomics.wait(control, CONTROL_GENERATION, seen);
  seen = Atomics.load(control, CONTROL_GENERATION);
  const command = Atomics.load(control, CONTROL_COMMAND);
  if (command === COMMAND_EXIT) break;
  try {
    stats.fill(0);
    kernel.accumulate(slice, packed, parameters[kernel.packedLength]!, stats, command === COMMAND_ACCUMULATE_WITH_OUTPUTS ? outputs : NO_OUTPUTS);
  } catch (e) {
    Atomics.store(control, CONTROL_ERROR, 1);
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
  Atomics.add(control, CONTROL_DONE, 1);
  Atomics.notify(control, CONTROL_DONE);
}
