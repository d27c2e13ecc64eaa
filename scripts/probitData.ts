/**
 * Probit regression by latent-variable augmentation at any number of rows,
 * for measuring how model setup scales (issue 10): the model, and seeded data
 * (X[i,1] = 1, an intercept, the other columns N(0, 1); beta = (0.5, −1, 0.25, …)
 * cycling; y[i] = 1 when X[i,]·beta + N(0, 1) > 0), all drawn from the
 * engine's generator, so a seed gives the same data on every machine.
 * scripts/writeProbitData.ts writes them to files for the CLI and JAGS.
 */
import type { NamedValues } from '../src/engine/language/rvalues';
import { PolarRandom } from '../src/engine/random/polarRandom';

export interface ProbitData {
  N: number;
  D: number;
  /** Row-major N × D design matrix. */
  X: Float64Array;
  y: Float64Array;
  /** A start for z on the side y asks for. */
  z: Float64Array;
}

const TRUE_BETA = [0.5, -1, 0.25];

export function probitData(rows: number, coefficients: number, seed: number): ProbitData {
  const random = new PolarRandom(seed);
  const X = new Float64Array(rows * coefficients);
  const y = new Float64Array(rows);
  const z = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let eta = 0;
    for (let d = 0; d < coefficients; d++) {
      const x = d === 0 ? 1 : random.normal();
      X[i * coefficients + d] = x;
      eta += x * TRUE_BETA[d % TRUE_BETA.length]!;
    }
    y[i] = eta + random.normal() > 0 ? 1 : 0;
    z[i] = y[i] === 1 ? 0.5 : -0.5;
  }
  return { N: rows, D: coefficients, X, y, z };
}

export const PROBIT_MODEL = `model {
  for (i in 1:N) {
    z[i] ~ dnorm(inprod(X[i, ], beta[]), 1)
    y[i] ~ dinterval(z[i], 0)
  }
  for (d in 1:D) {
    beta[d] ~ dnorm(0, 0.01)
  }
}
`;

/** The data as the engine's NamedValues (also what data.R holds). */
export function probitValues(data: ProbitData): NamedValues {
  return new Map([
    ['N', { values: Float64Array.of(data.N), dims: [] }],
    ['D', { values: Float64Array.of(data.D), dims: [] }],
    ['X', { values: data.X, dims: [data.N, data.D] }],
    ['y', { values: data.y, dims: [data.N] }],
  ]);
}
