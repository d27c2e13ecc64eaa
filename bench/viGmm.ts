/**
 * VI time per iteration on the BayesPy user-guide Gaussian mixture, to set beside
 * ../shared/bench/peers/bayespy_gmm.py (same model, data, start and update order):
 *   node --import tsx bench/viGmm.ts gmm_d2_k3_n1000 [iterations] [reps]
 * prints one JSON object: sec_per_iter (each iteration includes the exact ELBO, as
 * BayesPy's does), the median of `reps` runs of `iterations` sweeps after the plan is
 * built, and the converged bound. Measure A B A B against the peer in one session.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setInitialValues } from '../src/engine/inference/initialValues';
import { compileModel } from '../src/engine/model/compile';
import { readRequest } from '../src/engine/job/job';
import { coordinateAscent } from '../src/engine/vi/coordinateAscent';
import { planVariational } from '../src/engine/vi/plan';
import { startFactors } from '../src/engine/vi/starts';

const [dataset = 'gmm_d2_k3_n1000', iterations = '20', reps = '3'] = process.argv.slice(2);
const DATA = resolve(__dirname, '../../shared/bench/data');
const init = JSON.parse(readFileSync(join(DATA, `${dataset}.init.json`), 'utf8')) as { K: number; D: number; means: number[][]; covariances: number[][][] };
const { K, D } = init;
const columns = Array.from({ length: D }, (_, j) => `x${j + 1}`);
const identity = (scale: number): string => `structure(c(${Array.from({ length: D * D }, (_, i) => (i % (D + 1) === 0 ? scale : 0))}), .Dim = c(${D}, ${D}))`;
const precisions = init.covariances.map((c) => invert(c));
// R fills column-major: mu[k, j] with k fastest; Omega[j, j', k] with j fastest.
const mu = Array.from({ length: D }, (_, j) => init.means.map((m) => m[j]!)).flat();
const omega = precisions.flatMap((p) => Array.from({ length: D }, (_, jj) => Array.from({ length: D }, (_, j) => p[j]![jj]!)).flat());
const source = `model {
  for (i in 1:N) {
    z[i] ~ dcat(w[])
    x[i, 1:${D}] ~ dmnorm(mu[z[i], ], Omega[, , z[i]])
  }
  for (k in 1:K) {
    mu[k, 1:${D}] ~ dmnorm(m0[], P0[, ])
    Omega[1:${D}, 1:${D}, k] ~ dwish(R[, ], ${D})
  }
  w[1:K] ~ ddirch(alpha[])
}
data from "${dataset}.csv" with (x = c(${columns.join(', ')}), N = length(x1), z = NULL)
data list(K = ${K}, alpha = rep(1e-3, ${K}), m0 = rep(0, ${D}), P0 = ${identity(1e-5)}, R = ${identity(1e-5)})
inits list(mu = structure(c(${mu}), .Dim = c(${K}, ${D})), Omega = structure(c(${omega}), .Dim = c(${D}, ${D}, ${K})))
fit with vi(init = "given")`;

const request = readRequest('fit', source, {}, () => 1, { baseDirectory: DATA });
const graph = compileModel(request.document, request.data);
setInitialValues(graph, request.inits, request.initsRange);
let t = performance.now();
const plan = planVariational(graph);
const planSeconds = (performance.now() - t) / 1000;
const perIteration: number[] = [];
for (let r = 0; r < Number(reps); r++) {
  setInitialValues(graph, request.inits, request.initsRange);
  startFactors(plan, false);
  t = performance.now();
  coordinateAscent(plan, { tolerance: 0, maxIterations: Number(iterations) }, () => {}, () => false);
  perIteration.push((performance.now() - t) / 1000 / Number(iterations));
}
setInitialValues(graph, request.inits, request.initsRange);
startFactors(plan, false);
const fit = coordinateAscent(plan, { tolerance: 1e-15, maxIterations: 3000 }, () => {}, () => false);
perIteration.sort((a, b) => a - b);
console.log(JSON.stringify({ runner: 'latent_vi_gmm', dataset, sec_per_iter: perIteration[Math.floor(perIteration.length / 2)], per_iter_all: perIteration, plan_seconds: planSeconds, fit: { n_iter: fit.iterations, status: fit.status, bound: fit.elbo } }));

function invert(c: number[][]): number[][] {
  // Gauss–Jordan on a small SPD matrix (the start's covariances).
  const n = c.length;
  const a = c.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let col = 0; col < n; col++) {
    const pivot = a[col]![col]!;
    a[col] = a[col]!.map((v) => v / pivot);
    for (let r = 0; r < n; r++) if (r !== col) a[r] = a[r]!.map((v, k) => v - a[r]![col]! * a[col]![k]!);
  }
  return a.map((row) => row.slice(n));
}
