import { parentPort, workerData } from 'node:worker_threads';
import { ModelError } from '../language/source';
import { planCalibration, runSimulation } from './calibrate';
import type { CalibrationJob, CalibrationMessage } from './protocol';
import { readRequest } from '../job/job';

/** Runs a share of a calibration's simulations in a worker thread, posting each outcome as it finishes. */
function runJob(job: CalibrationJob): void {
  const post = (message: CalibrationMessage): void => parentPort!.postMessage(message);
  try {
    const request = readRequest('calibrate', job.source, job.settings, () => job.settings.seed, job.files);
    const plan = planCalibration(request.model);
    post({ type: 'ready', parameters: plan.parameters });
    for (let index = job.first; index < job.settings.simulations; index += job.stride) {
      post({ type: 'outcome', outcome: runSimulation(plan, job.settings, index) });
    }
    post({ type: 'done' });
  } catch (e) {
    if (e instanceof ModelError) post({ type: 'problems', problems: e.problems });
    else post({ type: 'crash', message: e instanceof Error ? e.message : String(e) });
  }
}

runJob(workerData as CalibrationJob);
