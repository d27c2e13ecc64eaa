/**
 * Probit regression by latent-variable augmentation at any number of rows, for
 * measuring how model setup scales (issue 10): writes into a folder
 *
 *   probit.latent  the model (z[i] ~ N(X[i,]·beta, 1), y[i] = 1 when z[i] > 0), reading data.json
 *   probit.bug     the same model for JAGS, with probit.cmd (its batch script)
 *   data.json, data.R, inits.json, inits.R   (z starts at ±0.5 on the side y asks for, beta at 0)
 *
 *   node --import tsx scripts/probitData.ts --rows 200000 --out /tmp/probit200k [--coefficients 3] [--seed 1]
 *        [--iterations 20] [--burnin 0]
 *
 * X[i,1] = 1 (an intercept), the other columns N(0, 1); beta = (0.5, −1, 0.25, …) cycling; all draws
 * from the engine's seeded generator, so a seed gives the same data on every machine.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeRDump } from '../src/engine/output/rdumpWriter';
import type { NamedValues } from '../src/engine/language/rvalues';
import { Random } from '../src/engine/random/rng';

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
  const random = new Random(seed);
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

function rowsOf(data: ProbitData): number[][] {
  return Array.from({ length: data.N }, (_, i) => Array.from(data.X.subarray(i * data.D, (i + 1) * data.D)));
}

function main(argv: string[]): void {
  const value = (name: string, fallback?: string): string => {
    const i = argv.indexOf(name);
    const v = i >= 0 ? argv[i + 1] : fallback;
    if (v === undefined) throw new Error(`usage: probitData.ts --rows N --out DIR [--coefficients 3] [--seed 1] [--iterations 20] [--burnin 0]; ${name} is missing`);
    return v;
  };
  const rows = Number(value('--rows'));
  const out = value('--out');
  const data = probitData(rows, Number(value('--coefficients', '3')), Number(value('--seed', '1')));
  const iterations = Number(value('--iterations', '20'));
  const burnin = Number(value('--burnin', '0'));
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'data.json'), JSON.stringify({ N: data.N, D: data.D, X: rowsOf(data), y: Array.from(data.y) }));
  writeFileSync(join(out, 'inits.json'), JSON.stringify({ beta: Array(data.D).fill(0), z: Array.from(data.z) }));
  writeFileSync(join(out, 'data.R'), writeRDump(probitValues(data)));
  writeFileSync(join(out, 'inits.R'), writeRDump(new Map([
    ['beta', { values: new Float64Array(data.D), dims: [data.D] }],
    ['z', { values: data.z, dims: [data.N] }],
  ])));
  writeFileSync(
    join(out, 'probit.latent'),
    `${PROBIT_MODEL}data from "data.json"\ninits from "inits.json"\nsample with gibbs(chains = 1, burnin = ${burnin}, iterations = ${iterations}, seed = 1)\n`,
  );
  writeFileSync(join(out, 'probit.bug'), PROBIT_MODEL);
  writeFileSync(
    join(out, 'probit.cmd'),
    ['model in "probit.bug"', 'data in "data.R"', 'compile, nchains(1)', 'parameters in "inits.R"', 'initialize',
      ...(burnin > 0 ? [`update ${burnin}`] : []), 'monitor beta', `update ${iterations}`, 'coda *', 'exit', ''].join('\n'),
  );
}

if (require.main === module) main(process.argv.slice(2));
