import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { probitData, probitValues, PROBIT_MODEL } from '../../../scripts/probitData';
import { buildLocalUnits } from '../../../src/engine/fit/localPosteriors';
import { buildParameterUpdates } from '../../../src/engine/fit/parameterUpdates';
import { classifyNodes } from '../../../src/engine/fit/roles';
import { assignSamplers } from '../../../src/engine/inference/gibbs';
import { setInitialValues } from '../../../src/engine/inference/initialValues';
import { DependenceAnalysis } from '../../../src/engine/inference/linearity';
import { parseDocument } from '../../../src/engine/language/parser';
import { compileModel } from '../../../src/engine/model/compile';
import { ExpressionCompiler } from '../../../src/engine/model/expressions';
import { Random } from '../../../src/engine/random/rng';
import { compileWithInits } from './helpers';

/*
 * Model setup must take time proportional to the model's size (issue 10): a
 * per-node scan of all nodes, or of all children of a shared parent, makes it
 * quadratic, and a 200,000-row model then never starts. Probit regression by
 * augmentation is the case that exposed it: every z[i] is a child of the same
 * three coefficients.
 *
 * Two checks: the work counted in calls to the expression compiler and the
 * dependence analysis per row (exact: must not grow at all), and the CPU time
 * per row of the setup phases, measured in this process (not a CLI run, whose
 * start-up would drown the difference), at 10× the rows. Quadratic setup
 * makes the per-row time grow 10×; linear setup leaves it flat up to the
 * garbage collector's extra work on a larger heap, hence the bound 1.5. Each
 * size takes the minimum of a few repeats, so that a busy CI machine (two
 * cores shared) does not fail the test by stealing time from one repeat.
 */

const SMALL = 3_000;
const LARGE = 30_000;

const document = parseDocument(PROBIT_MODEL).document;

/** Everything before the first sweep of `sample` and the first iteration of `em`, on one compiled graph. */
function setUp(rows: number): void {
  const data = probitData(rows, 3, 1);
  const graph = compileModel(document, probitValues(data));
  const inits = new Map([
    ['beta', { values: new Float64Array(3), dims: [3] }],
    ['z', { values: data.z, dims: [rows] }],
  ]);
  setInitialValues(graph, inits, document.model!.range);
  const samplers = assignSamplers(graph);
  assert.deepEqual(
    samplers.map((s) => [s.label, s.nodes.length]),
    [['conjugate truncated normal', rows], ['block normal (3), scale-expanded', 3]],
    'one truncated-normal sampler serving every z[i] and one block for beta',
  );
  const roles = classifyNodes(graph, document.model!.statements, undefined, document.model!.range);
  const local = buildLocalUnits(graph, roles.latent);
  assert.ok('units' in local && local.units.length === rows);
  const updates = buildParameterUpdates(graph, roles.parameters, () => () => 0);
  assert.ok('updates' in updates && updates.updates.length === 1, 'beta is one Gaussian block');
}

function cpuSeconds(f: () => void): number {
  const start = process.cpuUsage();
  f();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

function fastestPerRow(rows: number, repeats: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < repeats; r++) best = Math.min(best, cpuSeconds(() => setUp(rows)));
  return best / rows;
}

/** Calls made to the compiler's and the dependence analysis's entry points while `f` runs. */
function countCalls(f: () => void): number {
  let calls = 0;
  const targets: Array<[object, string]> = [
    [ExpressionCompiler.prototype, 'compile'],
    [ExpressionCompiler.prototype, 'array'],
    [ExpressionCompiler.prototype, 'tryConstant'],
    [DependenceAnalysis.prototype, 'of'],
    [DependenceAnalysis.prototype, 'elements'],
  ];
  const originals = targets.map(([owner, name]) => (owner as Record<string, (...args: unknown[]) => unknown>)[name]!);
  targets.forEach(([owner, name], k) => {
    const original = originals[k]!;
    (owner as Record<string, unknown>)[name] = function (this: unknown, ...args: unknown[]) {
      calls++;
      return original.apply(this, args);
    };
  });
  try {
    f();
  } finally {
    targets.forEach(([owner, name], k) => ((owner as Record<string, unknown>)[name] = originals[k]));
  }
  return calls;
}

describe('model setup (compile, starts, samplers, EM roles and updates) scales linearly with the rows', () => {
  it('the compiler and the dependence analysis do the same work per row at 500 and 5,000 rows', () => {
    const small = countCalls(() => setUp(500)) / 500;
    const large = countCalls(() => setUp(5_000)) / 5_000;
    // The fixed part (beta's three nodes, the prior) spreads over the rows: per row the large model may only do less.
    assert.ok(large <= small * 1.001, `calls per row grew from ${small.toFixed(2)} to ${large.toFixed(2)}`);
  });

  it(`setup CPU time per row at ${LARGE} rows is at most 1.5× that at ${SMALL}`, (t) => {
    setUp(SMALL); // compile the engine's code first, so that the small size is not charged for it
    const small = fastestPerRow(SMALL, 4);
    const large = fastestPerRow(LARGE, 2);
    const ratio = large / small;
    t.diagnostic(`${(small * 1e6).toFixed(1)} µs per row at ${SMALL} rows, ${(large * 1e6).toFixed(1)} µs at ${LARGE}: ratio ${ratio.toFixed(2)}`);
    assert.ok(ratio <= 1.5, `setup took ${(small * 1e6).toFixed(1)} µs per row at ${SMALL} rows but ${(large * 1e6).toFixed(1)} µs at ${LARGE} (ratio ${ratio.toFixed(2)})`);
  });
});

/**
 * Classic Eyes' mixture at `rows` rows: every indicator T[i] moves both counts tot[j] <- sum(in.group[, j]) that
 * keep the groups non-empty, so each indicator's propagation asks which of the counts' elements it moves.
 */
function eyesLike(rows: number): string {
  const y = Array.from({ length: rows }, (_, i) => (i % 2 ? 540 : 520) + (i % 7)).join(', ');
  const t = Array.from({ length: rows }, (_, i) => (i % 2) + 1).join(', ');
  return `model {
  for (i in 1:N) {
    y[i] ~ dnorm(mu[i], tau)
    mu[i] <- lambda[T[i]]
    T[i] ~ dcat(P[])
    for (j in 1:2) { in.group[i, j] <- equals(T[i], j) }
  }
  for (j in 1:2) {
    tot[j] <- sum(in.group[, j])
    Itot[j] ~ dinterval(tot[j], 0)
  }
  P[1:2] ~ ddirch(alpha[])
  theta ~ dnorm(0.0, 1.0E-6) T(0,)
  lambda[1] ~ dnorm(0.0, 1.0E-6)
  lambda[2] <- lambda[1] + theta
  tau ~ dgamma(0.01, 0.01)
}
data list(N = ${rows}, y = c(${y}), Itot = c(1, 1), alpha = c(1, 1))
inits list(T = c(${t}), lambda = c(530, NA), theta = 20, tau = 0.1, P = c(0.5, 0.5))`;
}

/** Samplers assigned and one sweep run (the propagations are made at the first update). */
function setUpMixture(source: string): void {
  const graph = compileWithInits(source);
  const random = new Random(1);
  for (const s of assignSamplers(graph)) s.update(random);
}

describe('a mixture whose indicators all move shared counts scales linearly with the rows', () => {
  it('samplers and their first sweep: CPU time per row at 4,000 rows at most 1.5× that at 400', (t) => {
    const [small, large] = [eyesLike(400), eyesLike(4_000)];
    setUpMixture(small);
    // Compiling the model is linear already; time the samplers and their first sweep only.
    const perRow = (source: string, rows: number, repeats: number): number => {
      let best = Number.POSITIVE_INFINITY;
      for (let r = 0; r < repeats; r++) {
        const graph = compileWithInits(source);
        const random = new Random(1);
        best = Math.min(best, cpuSeconds(() => {
          for (const s of assignSamplers(graph)) s.update(random);
        }));
      }
      return best / rows;
    };
    const a = perRow(small, 400, 4);
    const b = perRow(large, 4_000, 2);
    t.diagnostic(`${(a * 1e6).toFixed(1)} µs per row at 400 rows, ${(b * 1e6).toFixed(1)} µs at 4,000: ratio ${(b / a).toFixed(2)}`);
    assert.ok(b / a <= 1.5, `per row ${(a * 1e6).toFixed(1)} µs at 400 rows but ${(b * 1e6).toFixed(1)} µs at 4,000`);
  });
});
