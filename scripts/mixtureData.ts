/**
 * The project's generator of simulated Gaussian-mixture data, seeded by the
 * engine's own generator so that the same command writes the same bytes on
 * every machine. It makes the data of the online-EM example and of the EM
 * tests that need more rows than are worth committing:
 *
 *   npm run data:mixture -- OUTDIR      (node --import tsx scripts/mixtureData.ts OUTDIR)
 *
 * writes, for the 100,000-row, 5-dimensional, 5-component mixture,
 *   gmm_d5_k5_n100000.csv         columns x1..x5 and z (the true component, 1-based)
 *   gmm_d5_k5_n100000.init.json   an EM start: weights 1/K, the true means moved by
 *                                 N(0, 0.5²) noise, identity covariances
 *   gmm_d5_k5_n100000.inits.json  the same start as initial values of the example's
 *                                 model: w, mu and the precisions Omega[, , k]
 *
 * The geometry: means uniform in a ball of radius 4 and at least 3 apart, so
 * that the components overlap a little but each can be found; covariances
 * L Lᵀ with a random lower-triangular L (scales 0.5–1, correlations up to
 * about ±0.5); weights from a Dirichlet(3, …, 3), so that they differ.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Random } from '../src/engine/random/rng';
import { PolarRandom } from '../src/engine/random/polarRandom';

export interface MixtureDataSpec {
  name: string;
  rows: number;
  dimension: number;
  components: number;
  seed: number;
}

export const ONLINE_EM_MIXTURE: MixtureDataSpec = { name: 'gmm_d5_k5_n100000', rows: 100_000, dimension: 5, components: 5, seed: 20_261_204 };

const BALL_RADIUS = 4;
const LEAST_DISTANCE = 3;
const START_NOISE_SD = 0.5;

/** Points uniform in the ball of BALL_RADIUS, each at least LEAST_DISTANCE from the others (by rejection). */
function separatedMeans(random: Random, components: number, dimension: number): number[][] {
  const means: number[][] = [];
  while (means.length < components) {
    const direction = Array.from({ length: dimension }, () => random.normal());
    const length = Math.hypot(...direction);
    const radius = BALL_RADIUS * random.uniform() ** (1 / dimension);
    const point = direction.map((v) => (v / length) * radius);
    if (means.every((m) => Math.hypot(...m.map((v, j) => v - point[j]!)) >= LEAST_DISTANCE)) means.push(point);
  }
  return means;
}

/** A random lower-triangular factor: diagonal 0.5–1, below it N(0, 0.3²). */
function covarianceFactor(random: Random, dimension: number): number[][] {
  return Array.from({ length: dimension }, (_, i) =>
    Array.from({ length: dimension }, (_, j) => (j === i ? 0.5 + 0.5 * random.uniform() : j < i ? 0.3 * random.normal() : 0)),
  );
}

function dirichletWeights(random: Random, components: number): number[] {
  const g = Array.from({ length: components }, () => random.gamma(3));
  const total = g.reduce((a, b) => a + b, 0);
  return g.map((v) => v / total);
}

const round = (v: number, digits: number): number => Number(v.toFixed(digits));

export interface MixtureData {
  csv: string;
  /** The EM start in moments: weights, means (K × d), covariances (K × d × d). */
  start: { K: number; D: number; weights: number[]; means: number[][]; covariances: number[][][] };
  /** The start as initial values of a model with w[k], mu[k, j] and precisions Omega[j, j', k]. */
  inits: { w: number[]; mu: number[][]; Omega: number[][][] };
}

export function mixtureData(spec: MixtureDataSpec): MixtureData {
  const { rows, dimension: d, components: K } = spec;
  const random = new PolarRandom(spec.seed);
  const means = separatedMeans(random, K, d);
  const factors = Array.from({ length: K }, () => covarianceFactor(random, d));
  const weights = dirichletWeights(random, K);

  const header = [...Array.from({ length: d }, (_, j) => `x${j + 1}`), 'z'].join(',');
  const lines = [header];
  const noise = new Float64Array(d);
  for (let i = 0; i < rows; i++) {
    let u = random.uniform();
    let k = 0;
    while (k < K - 1 && (u -= weights[k]!) > 0) k++;
    for (let j = 0; j < d; j++) noise[j] = random.normal();
    const x = means[k]!.map((m, j) => {
      let v = m;
      for (let l = 0; l <= j; l++) v += factors[k]![j]![l]! * noise[l]!;
      return v.toFixed(4);
    });
    lines.push(`${x.join(',')},${k + 1}`);
  }

  const startMeans = means.map((m) => m.map((v) => round(v + START_NOISE_SD * random.normal(), 3)));
  const identity = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0)));
  return {
    csv: `${lines.join('\n')}\n`,
    start: { K, D: d, weights: Array<number>(K).fill(1 / K), means: startMeans, covariances: Array.from({ length: K }, () => identity) },
    inits: {
      w: Array<number>(K).fill(1 / K),
      mu: startMeans,
      // The inverse of an identity covariance, nested as Omega[j][j'][k].
      Omega: identity.map((r) => r.map((v) => Array<number>(K).fill(v))),
    },
  };
}

/** Writes the data set's three files into `folder`. */
export function writeMixtureData(folder: string, spec: MixtureDataSpec = ONLINE_EM_MIXTURE): void {
  const data = mixtureData(spec);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, `${spec.name}.csv`), data.csv);
  writeFileSync(join(folder, `${spec.name}.init.json`), `${JSON.stringify(data.start, null, 1)}\n`);
  writeFileSync(join(folder, `${spec.name}.inits.json`), `${JSON.stringify(data.inits, null, 1)}\n`);
}

if (require.main === module) {
  const folder = process.argv[2];
  if (!folder) {
    process.stderr.write('usage: node --import tsx scripts/mixtureData.ts OUTDIR\n');
    process.exit(2);
  }
  writeMixtureData(folder);
  process.stdout.write(`wrote ${ONLINE_EM_MIXTURE.name}.csv, .init.json and .inits.json into ${folder}\n`);
}
