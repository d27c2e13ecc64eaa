/** Run outputs and output items for the renderer tests. */

import type { OutputItem, RendererContext } from 'vscode-notebook-renderer';
import type { NodeResult, RunOutput, RunStatus } from '../../../src/engine/output/runOutput';

export const MIME = 'application/vnd.latent.run+json';

/** A node with `chains` deterministic wavy chains of `points` points each and a 10-bin histogram. */
export function makeNode(name: string, options: { chains?: number; points?: number; offset?: number } = {}): NodeResult {
  const chains = options.chains ?? 4;
  const points = options.points ?? 50;
  const offset = options.offset ?? 0;
  const iterations = Array.from({ length: points }, (_, i) => i + 1);
  const draws = Array.from({ length: chains }, (_, c) => iterations.map((i) => offset + Math.sin(i / 7 + c) + 0.1 * c));
  const edges = Array.from({ length: 11 }, (_, i) => offset - 1 + i * 0.25);
  const counts = [1, 3, 6, 10, 14, 14, 10, 6, 3, 1];
  return {
    name,
    sampler: 'conjugate normal',
    draws: points,
    summary: { mean: offset, sd: 0.7, 'q2.5': offset - 1.2, q25: offset - 0.5, q50: offset, q75: offset + 0.5, 'q97.5': offset + 1.2 },
    trace: { iterations, chains: draws },
    histogram: { edges, counts },
  };
}

export function makeOutput(overrides: Partial<RunOutput> & { status?: RunStatus } = {}): RunOutput {
  return {
    schema: 'latent.run/1',
    status: 'complete',
    settings: { algorithm: 'gibbs', chains: 4, burnin: 500, iterations: 1000, thin: 1, seed: 1234, monitor: ['mu', 'tau'] },
    progress: { done: 6000, total: 6000 },
    nodes: [makeNode('mu'), makeNode('tau', { offset: 2 })],
    messages: [],
    timings: { compileMs: 12, sampleMs: 850, totalMs: 870 },
    ...overrides,
  };
}

/** An output item as VS Code passes it to renderOutputItem. */
export function outputItem(id: string, value: unknown): OutputItem {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return {
    id,
    mime: MIME,
    metadata: undefined,
    text: () => text,
    json: () => JSON.parse(text),
    data: () => new TextEncoder().encode(text),
    blob: () => new Blob([text], { type: MIME }),
  };
}

export function fakeContext(): RendererContext<unknown> {
  let state: unknown;
  return {
    setState: (value) => {
      state = value;
    },
    getState: () => state,
    getRenderer: async () => undefined,
    workspace: { isTrusted: true },
  };
}
