/**
 * The four MCMC workloads of the benchmark, each the same model, data, start
 * and run length as ../shared/bench/peers/jags_run.py gives JAGS: the data
 * are prepared here from the shared CSV files and written as JSON next to the
 * Latent model (bench/models/NAME.latent reads them with `data from`).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCsv } from '../src/engine/data/csv';
import { PolarRandom } from '../src/engine/random/polarRandom';

/** One data or inits value as JSON: a number, null (NA), or nested arrays (row-major). */
export type JsonValue = number | null | JsonValue[];
export type JsonRecord = Record<string, JsonValue>;

/** Run lengths per chain, in JAGS's terms; the engine's burn-in is adapt + burn (it adapts during burn-in). */
export interface RunLength {
  adapt: number;
  burn: number;
  iter: number;
  thin: number;
}

export interface Prepared {
  data: JsonRecord;
  /** One start per chain, as jags_run.py writes inits<c>.R. */
  inits: JsonRecord[];
  /** Where the starts come from, when they are not jags_run.py's own. */
  initsNote?: string;
}

export interface Workload {
  name: string;
  /** jags_run.py's --model. */
  jagsModel: string;
  /** The Latent model file in bench/models. */
  modelFile: string;
  monitors: string[];
  /** The nodes reported side by side (jags_run.py's `keys`). */
  keys: string[];
  /** The nodes whose smallest ESS/s is the workload's figure (jags_run.py's `ess_keys`, or `keys`). */
  essKeys: string[];
  full: RunLength;
  quick: RunLength;
  /** For matrix factorisation: the node of held-out predictions and the data name of the held-out ratings. */
  predict?: { node: string; observed: string };
  prepare(dataDir: string, chains: number, seed: number, peersDir: string): Prepared;
}

/** The columns of a CSV file, by name. */
export function readColumns(path: string): Map<string, Float64Array> {
  const values = readCsv(readFileSync(path, 'utf8'), path);
  return new Map([...values].map(([name, array]) => [name, array.values]));
}

function column(columns: Map<string, Float64Array>, name: string): number[] {
  const values = columns.get(name);
  if (!values) throw new Error(`no column '${name}'`);
  return Array.from(values);
}

/** jags_run.py repeats its list of starts over the chains. */
function cycle(starts: JsonRecord[], chains: number): JsonRecord[] {
  return Array.from({ length: chains }, (_, c) => starts[c % starts.length]!);
}

const pumps: Workload = {
  name: 'pumps',
  jagsModel: 'pumps',
  modelFile: 'pumps.latent',
  monitors: ['alpha', 'beta', 'theta'],
  keys: ['alpha', 'beta', 'theta[1]', 'theta[10]'],
  essKeys: ['alpha', 'beta', 'theta[1]', 'theta[10]'],
  full: { adapt: 1000, burn: 1000, iter: 1_000_000, thin: 50 },
  quick: { adapt: 500, burn: 500, iter: 50_000, thin: 50 },
  prepare(dataDir, chains) {
    const c = readColumns(join(dataDir, 'pumps.csv'));
    const t = column(c, 't');
    return {
      data: { N: t.length, t, x: column(c, 'x') },
      inits: cycle([{ alpha: 1, beta: 1 }, { alpha: 10, beta: 10 }], chains),
    };
  },
};

const eyes: Workload = {
  name: 'eyes',
  jagsModel: 'eyes',
  modelFile: 'eyes.latent',
  monitors: ['lambda', 'P', 'sigma'],
  keys: ['lambda[1]', 'lambda[2]', 'P[1]', 'sigma'],
  essKeys: ['lambda[1]', 'lambda[2]', 'P[1]', 'sigma'],
  full: { adapt: 1000, burn: 1000, iter: 200_000, thin: 10 },
  quick: { adapt: 500, burn: 500, iter: 20_000, thin: 10 },
  prepare(dataDir, chains) {
    const y = column(readColumns(join(dataDir, 'eyes.csv')), 'y');
    const T: JsonValue[] = y.map(() => null);
    T[0] = 1;
    T[y.length - 1] = 2;
    return {
      data: { N: y.length, y, T, alpha: [1, 1] },
      inits: cycle([{ lambda: [535, null], theta: 5, tau: 0.1 }, { lambda: [100, null], theta: 40, tau: 0.1 }], chains),
    };
  },
};

const probit: Workload = {
  name: 'probit',
  jagsModel: 'probit',
  modelFile: 'probit.latent',
  monitors: ['beta'],
  keys: ['beta[1]', 'beta[2]', 'beta[3]', 'beta[4]', 'beta[5]'],
  essKeys: ['beta[1]', 'beta[2]', 'beta[3]', 'beta[4]', 'beta[5]'],
  full: { adapt: 1000, burn: 1000, iter: 40_000, thin: 10 },
  quick: { adapt: 200, burn: 200, iter: 4_000, thin: 10 },
  prepare(dataDir, chains) {
    const c = readColumns(join(dataDir, 'probit_n2000_d5.csv'));
    const y = column(c, 'y');
    const xs = [...c.keys()].filter((k) => k !== 'y').map((k) => column(c, k));
    const X = y.map((_, i) => xs.map((x) => x[i]!));
    // jags_run.py: z starts at ±0.5, on the side its y asks for.
    const z = y.map((v) => (v === 1 ? 0.5 : -0.5));
    const D = xs.length;
    return {
      data: { N: y.length, D, y, X },
      inits: cycle([{ beta: Array(D).fill(0), z }, { beta: Array(D).fill(0.5), z }], chains),
    };
  },
};

const bmf: Workload = {
  name: 'bmf',
  jagsModel: 'bmf',
  modelFile: 'bmf.latent',
  monitors: ['mu', 'sigma', 'tauU', 'tauV', 'rmse_test', 'pred'],
  keys: ['mu', 'sigma', 'tauU', 'tauV', 'rmse_test'],
  // jags_run.py: tauU and tauV are weakly identified (U and V trade scale), so they are reported but not in the minimum.
  essKeys: ['mu', 'sigma', 'rmse_test'],
  full: { adapt: 0, burn: 1000, iter: 5000, thin: 5 },
  quick: { adapt: 0, burn: 200, iter: 500, thin: 5 },
  predict: { node: 'pred', observed: 'rtest' },
  prepare(dataDir, chains, seed, peersDir) {
    const data = ratingsData(join(dataDir, 'ratings_sub200x300.csv'), 5);
    const fromPeer = numpyStarts(peersDir, chains, seed);
    if (fromPeer) return { data, inits: fromPeer };
    return { data, inits: bmfStarts(data, chains, seed), initsNote: 'numpy unavailable: U, V start from 0.1·N(0, 1) draws of the engine\'s own generator, not jags_run.py\'s' };
  },
};

export const WORKLOADS: Workload[] = [pumps, eyes, probit, bmf];

/**
 * The matrix-factorisation data as jags_run.py builds them: the rows of
 * ratings_sub200x300.csv with test = 0 are the training ratings, test = 1
 * the held-out ones; 200 users, 300 items, rank D.
 */
export function ratingsData(csvPath: string, D: number): JsonRecord {
  const c = readColumns(csvPath);
  const test = column(c, 'test');
  const pick = (name: string, held: number): number[] => column(c, name).filter((_, i) => test[i] === held);
  const r = pick('rating', 0);
  return {
    Nobs: r.length, Nu: 200, Ni: 300, D,
    user: pick('user', 0), item: pick('item', 0), r,
    Ntest: pick('rating', 1).length, tuser: pick('user', 1), titem: pick('item', 1), rtest: pick('rating', 1),
  };
}

/** Starts for matrix factorisation from the engine's generator: U, V entries 0.1·N(0, 1) rounded to 4 digits, the rest as jags_run.py. */
export function bmfStarts(data: JsonRecord, chains: number, seed: number): JsonRecord[] {
  const r = data.r as number[];
  const mean = Math.round((r.reduce((s, v) => s + v, 0) / r.length) * 1e4) / 1e4;
  const D = data.D as number;
  return Array.from({ length: chains }, (_, c) => {
    const random = new PolarRandom(seed, c);
    const matrix = (rows: number): number[][] =>
      Array.from({ length: rows }, () => Array.from({ length: D }, () => Math.round(0.1 * random.normal() * 1e4) / 1e4));
    return { U: matrix(data.Nu as number), V: matrix(data.Ni as number), mu: mean, tau: 1, tauU: 1, tauV: 1 };
  });
}

/**
 * jags_run.py's own starts for matrix factorisation, which come from numpy's
 * generator (default_rng(seed)): asked of jags_run.py itself, so the two
 * sides start from the very same U and V. Undefined without Debian's numpy.
 */
function numpyStarts(peersDir: string, chains: number, seed: number): JsonRecord[] | undefined {
  const program = [
    'import sys, json, argparse',
    `sys.path.insert(0, ${JSON.stringify(peersDir)})`,
    'import jags_run',
    `m = jags_run.model_bmf(argparse.Namespace(rank=5, seed=${seed}, chains=${chains}))`,
    'print(json.dumps([{k: (v.tolist() if hasattr(v, "tolist") else v) for k, v in s.items()} for s in m["inits"]]))',
  ].join('\n');
  try {
    const text = execFileSync('/usr/bin/python3', ['-c', program], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return JSON.parse(text) as JsonRecord[];
  } catch {
    return undefined;
  }
}
