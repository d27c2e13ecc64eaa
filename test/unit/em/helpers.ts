/** Shared helpers for the EM tests: the bench datasets, their shared starts, and small synthetic mixtures. */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ONLINE_EM_MIXTURE, writeMixtureData } from '../../../scripts/mixtureData';
import { readCsvMatrix } from '../../../src/engine/data/csvRowBlocks';
import type { GaussianParameters, MixtureProblem } from '../../../src/engine/em/types';
import { PolarRandom } from '../../../src/engine/random/polarRandom';

export const REPO_ROOT = resolve(__dirname, '../../..');
/** The benchmark's small data sets, copied with their source noted (test/fixtures/bench-data/SOURCE.md). */
export const BENCH_DATA = resolve(REPO_ROOT, 'test/fixtures/bench-data');

export const WORKER = {
  workerScript: resolve(REPO_ROOT, 'src/engine/em/estepWorker.ts'),
  workerExecArgv: ['--require', 'tsx/cjs'],
};

/**
 * The folder of the generated 100,000-row mixture (scripts/mixtureData.ts, ~1 s),
 * made once per machine and version of the generator: generated into a fresh
 * folder and renamed into place, so that test files running at once never
 * read a half-written file.
 */
export function generatedMixtureData(): string {
  const generator = join(REPO_ROOT, 'scripts/mixtureData.ts');
  const version = createHash('sha1').update(readFileSync(generator)).update(readFileSync(join(REPO_ROOT, 'src/engine/random/rng.ts'))).digest('hex').slice(0, 12);
  const target = join(tmpdir(), `latent-mixture-data-${version}`);
  if (existsSync(join(target, `${ONLINE_EM_MIXTURE.name}.csv`))) return target;
  const fresh = mkdtempSync(join(tmpdir(), 'latent-mixture-gen-'));
  writeMixtureData(fresh);
  try {
    renameSync(fresh, target);
  } catch {
    rmSync(fresh, { recursive: true, force: true }); // another test file won the race
  }
  return target;
}

export interface BenchMixture {
  problem: MixtureProblem;
  start: GaussianParameters;
  labels: Int32Array;
}

/** A bench CSV (x1..xD, z) as a Gaussian mixture problem, with the shared start from <name>.init.json. */
export async function benchMixture(folder: string, name: string): Promise<BenchMixture> {
  const base = join(folder, name);
  const all = await readCsvMatrix(`${base}.csv`);
  const d = all.columns - 1;
  const data = new Float64Array(all.rows * d);
  const labels = new Int32Array(all.rows);
  for (let i = 0; i < all.rows; i++) {
    for (let j = 0; j < d; j++) data[i * d + j] = all.values[i * all.columns + j]!;
    labels[i] = all.values[i * all.columns + d]! - 1;
  }
  const init = JSON.parse(readFileSync(`${base}.init.json`, 'utf8')) as { K: number; weights: number[]; means: number[][]; covariances: number[][][] };
  return {
    problem: { data, rows: all.rows, columns: d, components: init.K, family: { kind: 'gaussian' } },
    start: {
      kind: 'gaussian',
      weights: Float64Array.from(init.weights),
      means: Float64Array.from(init.means.flat()),
      covariances: Float64Array.from(init.covariances.flat(2)),
    },
    labels,
  };
}

/** n rows from a Gaussian mixture with the given means (K×d), isotropic standard deviations and weights. */
export function gaussianMixtureData(n: number, means: number[][], sd: number[], weights: number[], seed: number): Float64Array {
  const random = new PolarRandom(seed);
  const d = means[0]!.length;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let u = random.uniform();
    let k = 0;
    while (k < weights.length - 1 && (u -= weights[k]!) > 0) k++;
    for (let j = 0; j < d; j++) data[i * d + j] = means[k]![j]! + sd[k]! * random.normal();
  }
  return data;
}

/** n binary rows from a mixture of product Bernoullis. */
export function bernoulliMixtureData(n: number, probabilities: number[][], weights: number[], seed: number): Float64Array {
  const random = new PolarRandom(seed);
  const d = probabilities[0]!.length;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let u = random.uniform();
    let k = 0;
    while (k < weights.length - 1 && (u -= weights[k]!) > 0) k++;
    for (let j = 0; j < d; j++) data[i * d + j] = random.uniform() < probabilities[k]![j]! ? 1 : 0;
  }
  return data;
}

/** Whether every value of the parameters is a finite number. */
export function allFinite(...arrays: Float64Array[]): boolean {
  return arrays.every((a) => a.every(Number.isFinite));
}
