/**
 * Checking Gibbs draws against a closed-form posterior, within their own
 * Monte-Carlo error.
 *
 * A posterior moment E[f(θ)] is estimated by the mean of f over the kept
 * draws. Its standard error comes from batch means: each chain's draws are cut
 * into 50 consecutive batches; when a batch is much longer than the chain's
 * autocorrelation the batch means are nearly independent, so their spread
 * over √(number of batches) is the standard error of the overall mean, with
 * the autocorrelation absorbed. An estimate must lie within 4 standard errors
 * of the exact value: a two-sided normal tail of 6e-5 (a little more, ~1e-4,
 * for the t distribution of an estimated SE with ≥ 99 degrees of freedom), so
 * a correct sampler fails a given check by chance about once in 10,000 seeds,
 * while a wrong conditional (a prior term dropped, a count missed) misses by
 * many standard errors. The seeds are fixed, so a run either always passes or
 * always fails.
 */

import assert from 'node:assert/strict';
import { prepareChain, sampleChain } from '../../../src/engine/run/chainSession';
import { readRequest } from '../../../src/engine/job/job';

export const BATCHES_PER_CHAIN = 50;
export const BOUND_IN_STANDARD_ERRORS = 4;

/** Kept draws of every monitored scalar (one array per chain) and the label of the sampler of every updated node. */
export interface Posterior {
  draws: Map<string, Float64Array[]>;
  /** Node name as JAGS names it (`p[1:3]`, `b[2]`) → the label assignSamplers gave its sampler. */
  samplers: Map<string, string>;
}

export interface RunLength {
  chains: number;
  burnin: number;
  iterations: number;
  seed: number;
}

/** Runs the chains of a cell in this thread (chain 1 from typical values, the others from prior draws) and keeps every draw. */
export function samplePosterior(source: string, run: RunLength): Posterior {
  const request = readRequest('sample', source, { chains: run.chains, burnin: run.burnin, iterations: run.iterations, thin: 1, seed: run.seed }, () => run.seed);
  const draws = new Map<string, Float64Array[]>();
  const samplers = new Map<string, string>();
  for (let chain = 0; chain < run.chains; chain++) {
    const session = prepareChain(request, chain);
    if (chain === 0) for (const s of session.samplers) for (const n of s.nodes) samplers.set(n.name, s.label);
    const columns = session.monitors.map(() => new Float64Array(run.iterations));
    let row = 0;
    sampleChain(session, { burnin: run.burnin, iterations: run.iterations, thin: 1 }, (_done, rows) => {
      for (let k = 0; k < rows.length; k += columns.length, row++) columns.forEach((c, m) => (c[row] = rows[k + m]!));
    });
    assert.equal(row, run.iterations, 'every kept iteration recorded');
    session.monitors.forEach((m, i) => draws.set(m.name, [...(draws.get(m.name) ?? []), columns[i]!]));
  }
  return { draws, samplers };
}

/** The draws of one monitored scalar, per chain. */
export function drawsOf(posterior: Posterior, name: string): Float64Array[] {
  const d = posterior.draws.get(name);
  assert.ok(d, `${name} is not monitored; monitored: ${[...posterior.draws.keys()].join(', ')}`);
  return d;
}

/** f applied draw by draw to several monitored scalars (for cross moments), per chain. */
export function combine(posterior: Posterior, names: string[], f: (...x: number[]) => number): Float64Array[] {
  const series = names.map((n) => drawsOf(posterior, n));
  return series[0]!.map((first, chain) => Float64Array.from(first, (_, r) => f(...series.map((s) => s[chain]![r]!))));
}

export interface Estimate {
  value: number;
  standardError: number;
}

/** Mean of the series over all chains and its batch-means standard error (see the top of this file). */
export function estimate(chains: Float64Array[]): Estimate {
  const batchMeans: number[] = [];
  for (const chain of chains) {
    const size = Math.floor(chain.length / BATCHES_PER_CHAIN);
    assert.ok(size >= 1, 'too few draws for batch means');
    for (let b = 0; b < BATCHES_PER_CHAIN; b++) {
      let s = 0;
      for (let k = b * size; k < (b + 1) * size; k++) s += chain[k]!;
      batchMeans.push(s / size);
    }
  }
  const value = batchMeans.reduce((a, b) => a + b, 0) / batchMeans.length;
  const spread = batchMeans.reduce((a, b) => a + (b - value) ** 2, 0) / (batchMeans.length - 1);
  return { value, standardError: Math.sqrt(spread / batchMeans.length) };
}

/** Throws an AssertionError unless the estimate lies within 4 of its standard errors of the exact value. */
export function assertWithinMonteCarloError(what: string, got: Estimate, exact: number): void {
  const z = (got.value - exact) / got.standardError;
  assert.ok(Number.isFinite(z) && Math.abs(z) < BOUND_IN_STANDARD_ERRORS, `${what}: estimated ${got.value} ± ${got.standardError} (1 SE), exact ${exact}, z = ${z.toFixed(2)}`);
}

/** E[x] and Var[x] = E[(x − E[x])²] of a monitored scalar against their exact values. */
export function assertMeanAndVariance(posterior: Posterior, name: string, mean: number, variance: number): void {
  assertWithinMonteCarloError(`E[${name}]`, estimate(drawsOf(posterior, name)), mean);
  assertWithinMonteCarloError(`Var[${name}]`, estimate(combine(posterior, [name], (x) => (x - mean) ** 2)), variance);
}

/** Cov[x, y] = E[(x − E[x])(y − E[y])] of two monitored scalars against its exact value, given their exact means. */
export function assertCovariance(posterior: Posterior, [x, y]: [string, string], [meanX, meanY]: [number, number], covariance: number): void {
  assertWithinMonteCarloError(`Cov[${x}, ${y}]`, estimate(combine(posterior, [x, y], (a, b) => (a - meanX) * (b - meanY))), covariance);
}

/** Asserts the sampler label of every named node. */
export function assertSamplers(posterior: Posterior, expected: Record<string, string>): void {
  for (const [name, label] of Object.entries(expected)) {
    assert.equal(posterior.samplers.get(name), label, `sampler of ${name}; all: ${JSON.stringify(Object.fromEntries(posterior.samplers))}`);
  }
}

/** The inverse of a small dense matrix (rows of numbers), by Gauss–Jordan elimination with partial pivoting. */
export function inverse(a: number[][]): number[][] {
  const d = a.length;
  const m = a.map((row, i) => [...row, ...Array.from({ length: d }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < d; c++) {
    let pivot = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[pivot]![c]!)) pivot = r;
    [m[c], m[pivot]] = [m[pivot]!, m[c]!];
    const p = m[c]![c]!;
    assert.ok(Math.abs(p) > 1e-12, 'singular matrix');
    for (let j = 0; j < 2 * d; j++) m[c]![j]! /= p;
    for (let r = 0; r < d; r++) {
      if (r === c) continue;
      const f = m[r]![c]!;
      for (let j = 0; j < 2 * d; j++) m[r]![j]! -= f * m[c]![j]!;
    }
  }
  return m.map((row) => row.slice(d));
}

export const matrixVector = (a: number[][], x: number[]): number[] => a.map((row) => row.reduce((s, v, j) => s + v * x[j]!, 0));

/** A matrix as R's structure(c(...), .Dim = c(r, c)) writes it: the elements column by column. */
export function rMatrix(a: number[][]): string {
  const columns = a[0]!.map((_, j) => a.map((row) => row[j]!));
  return `structure(c(${columns.flat().join(', ')}), .Dim = c(${a.length}, ${a[0]!.length}))`;
}

export const sum = (x: number[]): number => x.reduce((a, b) => a + b, 0);

/** a + scale·b for matrices given as rows. */
export const add = (a: number[][], b: number[][], scale = 1): number[][] => a.map((row, i) => row.map((v, j) => v + scale * b[i]![j]!));

/** Mean and variance of Beta(a, b). */
export const betaMoments = (a: number, b: number): [number, number] => [a / (a + b), (a * b) / ((a + b) ** 2 * (a + b + 1))];

/** Mean and variance of each element, and Cov[1, 2], of Dirichlet(α). */
export function dirichletMoments(alpha: number[]): { mean: number[]; variance: number[]; covariance12: number } {
  const a0 = sum(alpha);
  const mean = alpha.map((a) => a / a0);
  return {
    mean,
    variance: mean.map((m) => (m * (1 - m)) / (a0 + 1)),
    covariance12: (-mean[0]! * mean[1]!) / (a0 + 1),
  };
}
