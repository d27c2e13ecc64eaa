import { resolve } from 'node:path';
import type { JobWorkers } from '../../../src/engine/job/startJob';

const SRC = resolve(__dirname, '../../../src/engine');

/** The engine's workers from their TypeScript sources, loaded through tsx (the bundle names them worker.js, fitWorker.js, …). */
export const TS_WORKERS: JobWorkers = {
  folder: SRC,
  execArgv: ['--require', 'tsx/cjs'],
  scripts: {
    chain: resolve(SRC, 'run/chainWorker.ts'),
    fit: resolve(SRC, 'fit/fitWorker.ts'),
    em: resolve(SRC, 'em/estepWorker.ts'),
    sbc: resolve(SRC, 'sbc/sbcWorker.ts'),
  },
};

/** The job worker (jobWorker.js in the bundle) from its TypeScript source, with the TypeScript chain workers. */
export const TS_JOB_WORKERS = { ...TS_WORKERS, jobScript: resolve(SRC, 'job/jobWorker.ts') };
