import type { Problem } from '../language/source';
import type { RunSettings } from '../output/runOutput';
import type { MonitorInfo } from './summarize';

/** What the coordinator sends a chain worker: everything needed to rebuild the run from scratch. */
export interface ChainJob {
  source: string;
  settings: RunSettings;
  chain: number;
}

export type ChainMessage =
  | { type: 'ready'; monitors: MonitorInfo[] }
  | { type: 'progress'; done: number; draws: Float64Array }
  | { type: 'done' }
  | { type: 'problems'; problems: Problem[] }
  | { type: 'crash'; message: string; stack?: string };
