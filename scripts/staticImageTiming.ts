/**
 * How long the host takes to draw a finished run's static image, and its size: the figures behind the
 * claim that the image delays a cell's end by a fraction of a second. Four nodes of 4 chains × 1000
 * noisy points (the largest image: unthinned traces), drawn 10 times; the first call includes
 * JIT warm-up. Run: node --import tsx scripts/staticImageTiming.ts
 */
import { staticImage } from '../src/engine/image/staticImage';
import type { NodeResult, RunOutput } from '../src/engine/output/runOutput';

let state = 12345;
// A fixed linear congruential sequence: reproducible noise, the least compressible trace.
const noise = (): number => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
const iterations = Array.from({ length: 1000 }, (_, i) => i + 1);
const node = (k: number): NodeResult => ({
  name: `x[${k}]`,
  sampler: 'slice',
  draws: 4000,
  summary: { mean: 0, sd: 0.58, 'q2.5': -0.95, q25: -0.5, q50: 0, q75: 0.5, 'q97.5': 0.95 },
  trace: { iterations, chains: Array.from({ length: 4 }, () => iterations.map(noise)) },
  histogram: { edges: Array.from({ length: 21 }, (_, i) => -1 + i / 10), counts: Array.from({ length: 20 }, () => 200) },
});
const output: RunOutput = {
  schema: 'latent.run/1',
  status: 'complete',
  settings: { algorithm: 'gibbs', chains: 4, burnin: 1000, iterations: 1000, thin: 1, seed: 1, monitor: [] },
  progress: { done: 8000, total: 8000 },
  nodes: Array.from({ length: 10 }, (_, k) => node(k + 1)),
  messages: [],
  timings: { compileMs: 0, sampleMs: 0, totalMs: 0 },
};
const times: number[] = [];
let bytes = 0;
for (let run = 0; run < 10; run++) {
  const start = performance.now();
  bytes = staticImage({ kind: 'sample', output })!.length;
  times.push(performance.now() - start);
}
const sorted = times.slice(1).sort((a, b) => a - b);
console.log(`static image: ${bytes} bytes; first call ${times[0]!.toFixed(1)} ms; later calls median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} ms, max ${sorted[sorted.length - 1]!.toFixed(1)} ms`);
