import type { Problem } from '../language/source';
import type { NodeResult, RunSettings } from '../output/runOutput';
import type { RequestFiles } from './request';
import type { ChainCheck } from './predictiveChecks';
import type { PredictiveSums } from './predictive';
import type { MonitorInfo } from './summarize';

/** What the coordinator sends a chain worker: everything needed to rebuild the run from scratch. */
export interface ChainJob {
  kind: 'chain';
  source: string;
  settings: RunSettings;
  chain: number;
  /** The base directory and extra files the request was read with, so that the worker reads the same data files. */
  files?: RequestFiles;
}

export type ChainMessage =
  /** What the chain is doing before it samples, so that a long compilation is not shown as `0%` with nothing said. */
  | { type: 'phase'; phase: string }
  | { type: 'ready'; monitors: MonitorInfo[]; observed?: string[]; parameterFamilies?: string[] }
  /** logLik and parameters: the pointwise recorder's rows (loo); parameters only where Plummer's pD can use them. */
  | { type: 'progress'; done: number; draws: Float64Array; logLik?: Float64Array; parameters?: Float64Array }
  | { type: 'done'; unobservedSums?: Float64Array; kept?: number; checks?: ChainCheck[]; predictive?: PredictiveSums }
  | { type: 'problems'; problems: Problem[] }
  | { type: 'crash'; message: string; stack?: string };

/** Final summaries of a large run, computed off the coordinator's thread. */
export interface SummaryJob {
  kind: 'summarize';
  /** Per chain, the draw chunks of a DrawStore. */
  chunks: Float64Array[][];
  monitors: MonitorInfo[];
  thin: number;
}

export type WorkerJob = ChainJob | SummaryJob;

export type SummaryMessage = { type: 'summary'; nodes: NodeResult[] } | { type: 'crash'; message: string };
