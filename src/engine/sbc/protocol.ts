import type { Problem } from '../language/source';
import type { RequestFiles } from '../run/request';
import type { CalibratedParameter, SimulationOutcome } from './calibrate';
import type { SbcSettings } from './sbcOutput';

/** What the coordinator sends a calibration worker: the document and settings, and which simulations are its. */
export interface CalibrationJob {
  source: string;
  settings: SbcSettings;
  files?: RequestFiles;
  /** This worker runs simulations first, first + stride, first + 2·stride, … below settings.simulations. */
  first: number;
  stride: number;
}

export type CalibrationMessage =
  | { type: 'ready'; parameters: CalibratedParameter[] }
  | { type: 'outcome'; outcome: SimulationOutcome }
  | { type: 'done' }
  | { type: 'problems'; problems: Problem[] }
  | { type: 'crash'; message: string };
