/**
 * Checks a mixture problem and its options before any work, so that bad
 * data, priors or starting values give a clear message (with the row,
 * column or component it is about) instead of NaN parameters.
 */
import { choleskyInPlace } from '../math/linalg';
import type { MixtureDiagnostic, MixtureOptions, MixtureParameters, MixtureProblem } from './types';

/** Reported individually; beyond this, one more message gives the count. */
const MAX_LISTED = 5;

const error = (code: MixtureDiagnostic['code'], message: string, where: Partial<MixtureDiagnostic> = {}): MixtureDiagnostic => ({
  severity: 'error',
  code,
  message,
  ...where,
});

export function validateProblem(problem: MixtureProblem, options: MixtureOptions): MixtureDiagnostic[] {
  const out: MixtureDiagnostic[] = [];
  const { rows, columns: d, components: K } = problem;
  if (!(Number.isInteger(rows) && rows >= 1) || !(Number.isInteger(d) && d >= 1) || problem.data.length < rows * d) {
    return [error('no-data', `The data must have at least one row and one column (got ${rows} × ${d} with ${problem.data.length} values).`)];
  }
  if (!(Number.isInteger(K) && K >= 1)) return [error('invalid-option', `The number of components must be a positive integer, not ${K}.`)];
  if (K > rows) {
    out.push(error('too-many-components', `${K} components but only ${rows} row(s): each component needs data; use at most ${rows} components.`));
  }
  out.push(...checkData(problem));
  out.push(...checkOptions(options));
  if (options.estimator === 'map') out.push(...checkPriors(problem));
  const init = options.init;
  if (init !== undefined && typeof init !== 'string') out.push(...checkParameters(init, problem));
  return out;
}

function checkData(problem: MixtureProblem): MixtureDiagnostic[] {
  const out: MixtureDiagnostic[] = [];
  const { rows, columns: d, data } = problem;
  const binary = problem.family.kind === 'bernoulli';
  let bad = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < d; j++) {
      const v = data[i * d + j]!;
      if (Number.isNaN(v)) continue;
      const nonFinite = !Number.isFinite(v);
      if (!nonFinite && !(binary && v !== 0 && v !== 1)) continue;
      if (++bad > MAX_LISTED) continue;
      out.push(
        nonFinite
          ? error('non-finite-data', `Row ${i + 1}, column ${j + 1} is ${v}: the data must be finite (write NA for a missing value).`, { row: i, column: j })
          : error('non-binary-data', `Row ${i + 1}, column ${j + 1} is ${v}: a Bernoulli mixture needs 0 or 1 (or NA for a missing value).`, { row: i, column: j }),
      );
    }
  }
  if (bad > MAX_LISTED) out.push(error(out[0]!.code, `${bad - MAX_LISTED} more value(s) like these.`));
  return out;
}

function checkOptions(o: MixtureOptions): MixtureDiagnostic[] {
  const out: MixtureDiagnostic[] = [];
  const check = (ok: boolean, message: string): void => {
    if (!ok) out.push(error('invalid-option', message));
  };
  const positiveInteger = (v: number | undefined): boolean => v === undefined || (Number.isInteger(v) && v >= 1);
  check(o.estimator === undefined || o.estimator === 'ml' || o.estimator === 'map', `estimator must be 'ml' or 'map', not '${o.estimator}'.`);
  check(o.regCovar === undefined || (Number.isFinite(o.regCovar) && o.regCovar >= 0), `regCovar must be a finite number ≥ 0, not ${o.regCovar}.`);
  check(o.tolerance === undefined || (Number.isFinite(o.tolerance) && o.tolerance >= 0), `tolerance must be a finite number ≥ 0, not ${o.tolerance}.`);
  check(positiveInteger(o.maxIterations), `maxIterations must be a positive integer, not ${o.maxIterations}.`);
  check(positiveInteger(o.restarts), `restarts must be a positive integer, not ${o.restarts}.`);
  check(positiveInteger(o.threads), `threads must be a positive integer, not ${o.threads}.`);
  check(o.init === undefined || typeof o.init !== 'string' || o.init === 'kmeans++' || o.init === 'random', `init must be 'kmeans++', 'random' or starting values, not '${String(o.init)}'.`);
  const a = o.annealing;
  if (a) {
    check(a.betaStart === undefined || (a.betaStart > 0 && a.betaStart <= 1), `annealing.betaStart must be in (0, 1], not ${a.betaStart}.`);
    check(a.growth === undefined || (Number.isFinite(a.growth) && a.growth > 1), `annealing.growth must be a number > 1, not ${a.growth}.`);
    check(positiveInteger(a.iterationsPerStep), `annealing.iterationsPerStep must be a positive integer, not ${a.iterationsPerStep}.`);
  }
  return out;
}

function isPositiveDefinite(m: Float64Array, d: number): boolean {
  if (m.length < d * d) return false;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) if (Math.abs(m[i * d + j]! - m[j * d + i]!) > 1e-9 * (Math.abs(m[i * d + j]!) + 1)) return false;
  }
  return choleskyInPlace(Float64Array.from(m.subarray(0, d * d)), d);
}

function checkPriors(problem: MixtureProblem): MixtureDiagnostic[] {
  const out: MixtureDiagnostic[] = [];
  const { components: K, columns: d, family } = problem;
  const prior = (message: string): void => void out.push(error('invalid-prior', message));
  const alpha = problem.weightsPrior?.concentration;
  if (alpha) {
    if (alpha.length !== K) prior(`The Dirichlet prior on the weights has ${alpha.length} concentration(s) for ${K} components.`);
    else if (alpha.some((a) => !(a >= 1) || !Number.isFinite(a))) {
      prior('A Dirichlet concentration below 1 has no posterior mode (the density is unbounded at a zero weight): use concentrations ≥ 1 for MAP, or maximum likelihood.');
    }
  }
  if (family.kind === 'gaussian') {
    if (family.meanPrior) {
      if (family.meanPrior.mean.length !== d || !family.meanPrior.mean.every(Number.isFinite)) prior(`The prior mean of the component means must be ${d} finite values.`);
      if (!isPositiveDefinite(family.meanPrior.precision, d)) prior(`The prior precision of the component means must be a symmetric positive-definite ${d} × ${d} matrix.`);
    }
    if (family.precisionPrior) {
      if (!isPositiveDefinite(family.precisionPrior.scale, d)) prior(`The Wishart scale matrix must be symmetric positive definite, ${d} × ${d}.`);
      if (!(family.precisionPrior.df > d - 1)) prior(`The Wishart degrees of freedom must exceed ${d - 1} (the dimension minus 1), not ${family.precisionPrior.df}.`);
    }
  } else if (family.probabilityPrior) {
    const { a, b } = family.probabilityPrior;
    if (!(a >= 1 && b >= 1 && Number.isFinite(a) && Number.isFinite(b))) {
      prior(`A beta(${a}, ${b}) prior with a parameter below 1 has no mode inside (0, 1): use a, b ≥ 1 for MAP, or maximum likelihood.`);
    }
  }
  return out;
}

export function checkParameters(p: MixtureParameters, problem: MixtureProblem): MixtureDiagnostic[] {
  const { components: K, columns: d, family } = problem;
  const bad = (message: string, component?: number): MixtureDiagnostic =>
    error('invalid-parameters', message, component === undefined ? {} : { component });
  if (p.kind !== family.kind) return [bad(`The starting values are for a ${p.kind} mixture, but the components are ${family.kind}.`)];
  const out: MixtureDiagnostic[] = [];
  if (p.weights.length !== K || p.weights.some((w) => !(w > 0) || !Number.isFinite(w))) out.push(bad(`The starting weights must be ${K} positive numbers.`));
  if (p.kind === 'gaussian') {
    if (p.means.length !== K * d || !p.means.every(Number.isFinite)) out.push(bad(`The starting means must be ${K} × ${d} finite numbers.`));
    if (p.covariances.length !== K * d * d) out.push(bad(`The starting covariances must be ${K} matrices of ${d} × ${d}.`));
    else {
      for (let k = 0; k < K; k++) {
        if (!isPositiveDefinite(p.covariances.subarray(k * d * d, (k + 1) * d * d), d)) {
          out.push(bad(`The starting covariance of component ${k + 1} is not symmetric positive definite.`, k));
        }
      }
    }
  } else if (p.probabilities.length !== K * d || p.probabilities.some((q) => !(q >= 0 && q <= 1))) {
    out.push(bad(`The starting probabilities must be ${K} × ${d} numbers in [0, 1].`));
  }
  return out;
}
