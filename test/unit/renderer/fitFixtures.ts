/**
 * Fit outputs (latent.fit/1) for the renderer and text-table tests, shaped
 * like the engine's: a 2-D, 3-component Gaussian mixture fitted by maximum
 * likelihood (the shared gmm_d2_k3_n1000 problem: sklearn's mean
 * log-likelihood −3.73387), a 1-D two-component fit of Old Faithful's
 * eruption times (the first 40 rows of faithful.csv; the well-known
 * estimates w = 0.35/0.65, μ = 2.02/4.27, σ = 0.236/0.437), an annealed run,
 * and a fit with no mixture picture (probit regression). The points are drawn
 * from the components with a seeded generator and their responsibilities
 * computed from the components, so picture and parameters agree.
 */

import type { OutputItem } from 'vscode-notebook-renderer';
import type { FitOutput, FitSettings, MixturePicture } from '../../../src/engine/output/fitOutput';

export const FIT_MIME = 'application/vnd.latent.fit+json';

const SETTINGS: FitSettings = { method: 'em', estimator: 'ml', tolerance: 1e-3, maxIterations: 100, restarts: 1, init: 'given', seed: 42, regCovar: 1e-6 };

/** mulberry32: a small seeded generator, enough for fixture points. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normalPair(uniform: () => number): [number, number] {
  const r = Math.sqrt(-2 * Math.log(1 - uniform()));
  const angle = 2 * Math.PI * uniform();
  return [r * Math.cos(angle), r * Math.sin(angle)];
}

/** Responsibilities of a point under Gaussian components (1-D or 2-D), computed in log space. */
export function responsibilities(point: number[], components: MixturePicture['components']): number[] {
  const logs = components.map((c) => {
    if (point.length === 1) {
      const v = c.covariance[0]![0]!;
      const z = point[0]! - c.mean[0]!;
      return Math.log(c.weight) - 0.5 * Math.log(2 * Math.PI * v) - (0.5 * z * z) / v;
    }
    const [[a, b], [, d]] = c.covariance as [[number, number], [number, number]];
    const det = a * d - b * b;
    const x = point[0]! - c.mean[0]!;
    const y = point[1]! - c.mean[1]!;
    const q = (d * x * x - 2 * b * x * y + a * y * y) / det;
    return Math.log(c.weight) - Math.log(2 * Math.PI) - 0.5 * Math.log(det) - 0.5 * q;
  });
  const top = Math.max(...logs);
  const weights = logs.map((l) => Math.exp(l - top));
  const total = weights.reduce((s, w) => s + w, 0);
  return weights.map((w) => w / total);
}

/** `n` points drawn from the mixture: component by weight, then mean + L·z with L the covariance's Cholesky factor. */
function drawPoints(components: MixturePicture['components'], n: number, seed: number): number[][] {
  const uniform = generator(seed);
  const points: number[][] = [];
  for (let i = 0; i < n; i++) {
    let u = uniform();
    let k = 0;
    while (k < components.length - 1 && u > components[k]!.weight) u -= components[k++]!.weight;
    const c = components[k]!;
    const [z1, z2] = normalPair(uniform);
    if (c.mean.length === 1) {
      points.push([c.mean[0]! + Math.sqrt(c.covariance[0]![0]!) * z1]);
    } else {
      const l11 = Math.sqrt(c.covariance[0]![0]!);
      const l21 = c.covariance[1]![0]! / l11;
      const l22 = Math.sqrt(c.covariance[1]![1]! - l21 * l21);
      points.push([c.mean[0]! + l11 * z1, c.mean[1]! + l21 * z1 + l22 * z2]);
    }
  }
  return points;
}

/** An EM objective curve from `start` to `final`, its gap shrinking by `rate` per iteration (linear convergence). */
export function emCurve(start: number, final: number, iterations: number, rate: number): number[] {
  return Array.from({ length: iterations + 1 }, (_, t) => final - (final - start) * rate ** t);
}

const GMM_COMPONENTS: MixturePicture['components'] = [
  { weight: 0.3012, mean: [-1.9733, 0.5127], covariance: [[0.8111, 0.3402], [0.3402, 0.6123]] },
  { weight: 0.3521, mean: [0.3196, -2.9845], covariance: [[1.2234, -0.2011], [-0.2011, 0.4567]] },
  { weight: 0.3467, mean: [3.0411, 1.1532], covariance: [[0.5321, 0.0412], [0.0412, 1.4478]] },
];

/** Parameters named as JAGS names them, for a mixture written with mu[k, j], Omega[j, j', k] (precisions) and w[k]. */
function mixtureParams(components: MixturePicture['components']): FitOutput['params'] {
  const params: FitOutput['params'] = [];
  components.forEach((c, k) => c.mean.forEach((m, j) => params.push({ name: `mu[${k + 1},${j + 1}]`, value: m })));
  components.forEach((c, k) => params.push({ name: `w[${k + 1}]`, value: c.weight }));
  return params;
}

/** The 2-D fit, converged after 23 iterations; `overrides` replace any field. */
export function gmm2dFit(overrides: Partial<FitOutput> = {}): FitOutput {
  const points = drawPoints(GMM_COMPONENTS, 400, 7);
  const n = 1000;
  const loglik = -3733.87;
  const values = emCurve(-4412.5, loglik, 23, 0.55);
  return {
    schema: 'latent.fit/1',
    status: 'converged',
    settings: SETTINGS,
    engine: 'Gaussian mixture kernel (K = 3, d = 2)',
    latent: ['z'],
    parameters: ['mu', 'Omega', 'w'],
    iteration: 23,
    objective: { kind: 'loglik', values },
    loglik,
    loglikPerSample: loglik / n,
    observations: n,
    parameterCount: 17,
    bic: -2 * loglik + 17 * Math.log(n),
    aic: -2 * loglik + 2 * 17,
    converged: true,
    params: mixtureParams(GMM_COMPONENTS),
    assignments: { node: 'z', values: points.map((p) => 1 + argmax(responsibilities(p, GMM_COMPONENTS))) },
    mixture: { columns: ['x[,1]', 'x[,2]'], points, responsibilities: points.map((p) => responsibilities(p, GMM_COMPONENTS)), components: GMM_COMPONENTS },
    messages: [],
    timing: { seconds: 0.046, secondsPerIteration: 0.002 },
    ...overrides,
  };
}

/** The same fit while running: the first `iteration` objective values, no final figures yet. */
export function gmm2dRunning(iteration: number): FitOutput {
  const full = gmm2dFit();
  return {
    ...full,
    status: 'running',
    iteration,
    objective: { kind: 'loglik', values: full.objective.values.slice(0, iteration + 1) },
    converged: undefined,
    loglik: undefined,
    loglikPerSample: undefined,
    bic: undefined,
    aic: undefined,
    timing: { seconds: 0.002 * iteration, secondsPerIteration: 0.002 },
  };
}

export const FAITHFUL_ERUPTIONS = [
  3.6, 1.8, 3.333, 2.283, 4.533, 2.883, 4.7, 3.6, 1.95, 4.35, 1.833, 3.917, 4.2, 1.75, 4.7, 2.167, 1.75, 4.8, 1.6, 4.25, 1.8, 1.75, 3.45, 3.067, 4.533, 3.6, 1.967, 4.083, 3.85, 4.433,
  4.3, 4.467, 3.367, 4.033, 3.833, 2.017, 1.867, 4.833, 1.833, 4.783,
];

const FAITHFUL_COMPONENTS: MixturePicture['components'] = [
  { weight: 0.3484, mean: [2.0186], covariance: [[0.2356 ** 2]] },
  { weight: 0.6516, mean: [4.2733], covariance: [[0.4371 ** 2]] },
];

/** The 1-D Old Faithful fit, MAP, stopped at max.iter with a warning. */
export function faithfulFit(overrides: Partial<FitOutput> = {}): FitOutput {
  const points = FAITHFUL_ERUPTIONS.map((x) => [x]);
  const n = 272;
  const loglik = -276.36;
  return {
    schema: 'latent.fit/1',
    status: 'max-iterations',
    settings: { ...SETTINGS, estimator: 'map', init: 'kmeans++', maxIterations: 50, restarts: 5, seed: 2024 },
    engine: 'Gaussian mixture kernel (K = 2, d = 1)',
    latent: ['z'],
    parameters: ['mu', 'tau', 'w'],
    iteration: 50,
    objective: { kind: 'logpost', values: emCurve(-301.2, -279.9, 50, 0.93) },
    loglik,
    loglikPerSample: loglik / n,
    observations: n,
    parameterCount: 5,
    bic: -2 * loglik + 5 * Math.log(n),
    aic: -2 * loglik + 10,
    converged: false,
    params: [
      { name: 'mu[1]', value: 2.0186 },
      { name: 'mu[2]', value: 4.2733 },
      { name: 'tau[1]', value: 1 / 0.2356 ** 2 },
      { name: 'tau[2]', value: 1 / 0.4371 ** 2 },
      { name: 'w[1]', value: 0.3484 },
      { name: 'w[2]', value: 0.6516 },
    ],
    mixture: { columns: ['eruptions'], points, responsibilities: points.map((p) => responsibilities(p, FAITHFUL_COMPONENTS)), components: FAITHFUL_COMPONENTS },
    messages: [{ severity: 'warning', message: 'Not converged after 50 iterations: the objective still changes by 2.1e-3 per observation (tol 1e-3).' }],
    timing: { seconds: 0.011, secondsPerIteration: 0.00022 },
    ...overrides,
  };
}

/** Annealed EM: β = 0.1, 0.15, 0.225, ... then 1, the objective measured at β = 1 throughout. */
export function annealedFit(): FitOutput {
  const beta: number[] = [];
  for (let b = 0.1; b < 1; b *= 1.5) for (let i = 0; i < 4; i++) beta.push(b);
  while (beta.length < 40) beta.push(1);
  const values = emCurve(-4020, -3733.87, beta.length - 1, 0.8);
  return gmm2dFit({
    settings: { ...SETTINGS, method: 'annealed.em', betaStart: 0.1, betaGrowth: 1.5 },
    iteration: beta.length - 1,
    objective: { kind: 'loglik', values, beta },
  });
}

/** A fit with no mixture picture: probit regression by latent-variable augmentation. */
export function probitFit(): FitOutput {
  return {
    schema: 'latent.fit/1',
    status: 'converged',
    settings: { ...SETTINGS, method: 'ecm', estimator: 'map', init: 'random' },
    engine: 'conjugate conditionals',
    latent: ['ystar'],
    parameters: ['beta'],
    iteration: 31,
    objective: { kind: 'logpost', values: emCurve(-98.4, -61.27, 31, 0.7) },
    loglik: -59.93,
    loglikPerSample: -59.93 / 100,
    observations: 100,
    parameterCount: 3,
    bic: 2 * 59.93 + 3 * Math.log(100),
    aic: 2 * 59.93 + 6,
    converged: true,
    params: [
      { name: 'beta[1]', value: -0.41237 },
      { name: 'beta[2]', value: 1.1893 },
      { name: 'beta[3]', value: 0.000012345 },
    ],
    messages: [],
    timing: { seconds: 0.0061, secondsPerIteration: 0.000197 },
  };
}

function argmax(values: number[]): number {
  return values.reduce((best, v, k) => (v > values[best]! ? k : best), 0);
}

/** An output item of the fit MIME, as VS Code passes it to renderOutputItem. */
export function fitItem(id: string, value: unknown): OutputItem {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return {
    id,
    mime: FIT_MIME,
    metadata: undefined,
    text: () => text,
    json: () => JSON.parse(text),
    data: () => new TextEncoder().encode(text),
    blob: () => new Blob([text], { type: FIT_MIME }),
  };
}
