/**
 * How the E-step pool's coordinator and workers talk: shared memory for the
 * data, the packed parameters, per-thread statistics and the final outputs,
 * and an Int32Array of control words driven with Atomics (no message per
 * iteration).
 */
import type { FamilyKind } from './kernels';

/** Control words. */
export const CONTROL_GENERATION = 0;
export const CONTROL_DONE = 1;
export const CONTROL_COMMAND = 2;
export const CONTROL_ERROR = 3;
export const CONTROL_LENGTH = 4;

export const COMMAND_ACCUMULATE = 1;
export const COMMAND_ACCUMULATE_WITH_OUTPUTS = 2;
export const COMMAND_EXIT = 3;

export interface EStepWorkerData {
  kind: FamilyKind;
  K: number;
  d: number;
  rows: number;
  control: SharedArrayBuffer;
  data: SharedArrayBuffer;
  incompleteFlags: SharedArrayBuffer | null;
  incompleteRows: SharedArrayBuffer;
  /** Packed parameters, then β as the last value. */
  parameters: SharedArrayBuffer;
  /** threads × statsLength; this worker writes its own block only. */
  stats: SharedArrayBuffer;
  rowLogLikelihood: SharedArrayBuffer | null;
  responsibilities: SharedArrayBuffer | null;
  thread: number;
  rowStart: number;
  rowEnd: number;
  incompleteStart: number;
  incompleteEnd: number;
}

export type EStepWorkerMessage = { type: 'ready' } | { type: 'error'; message: string };
