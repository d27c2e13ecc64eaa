import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setInitialValues } from '../../../src/engine/inference/initialValues';
import { readRequest } from '../../../src/engine/job/job';
import { compileModel, refreshDeterministic } from '../../../src/engine/model/compile';
import { FUNCTIONS, INVERSE_LINKS } from '../../../src/engine/model/functions';
import { Role, type ModelGraph } from '../../../src/engine/model/graph';
import { rowPowers, StatementCompiler, withInterpretedExpressions } from '../../../src/engine/model/statementCode';
import { Random } from '../../../src/engine/random/rng';
import { parsed } from './helpers';

/*
 * Statements compiled to JavaScript (statementCode.ts) against the
 * interpreter's closures (expressions.ts): the same model compiled both ways,
 * the same values written into every unobserved element, and every node's
 * parameters and every definition's value must agree to the bit (both paths
 * do the same floating-point operations in the same order). NaN agrees with NaN.
 */

const same = (a: number, b: number): boolean => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

/** Whether a node runs as compiled code (the node classes say; the interface does not). */
const isCompiled = (n: object): boolean => (n as { compiled?: boolean }).compiled === true;

/** Writes the same pseudo-random values into every element the data do not fix, in both graphs; index variables get integers, some out of range. */
function scramble(graphs: ModelGraph[], seed: number, integers: ReadonlySet<string> = new Set()): void {
  const rng = new Random(seed);
  for (const [name, v] of graphs[0]!.variables) {
    for (let o = 0; o < v.values.length; o++) {
      if (v.role[o] === Role.Data || v.role[o] === Role.Deterministic) continue;
      const u = rng.uniform();
      const x = integers.has(name) ? Math.floor(u * 6) - (u < 0.1 ? 0.5 : 0) : (u - 0.3) * 4;
      for (const g of graphs) g.variables.get(name)!.values[o] = x;
    }
  }
  for (const g of graphs) refreshDeterministic(g);
}

/** Compares every parameter and definition of two compilations of one model; returns how many nodes ran compiled. */
function assertSameValues(compiled: ModelGraph, interpreted: ModelGraph, what: string): number {
  let count = 0;
  compiled.stochastic.forEach((n, id) => {
    const m = interpreted.stochastic[id]!;
    assert.equal(n.paramCount, m.paramCount);
    if (isCompiled(n)) count++;
    for (let k = 0; k < n.paramCount; k++) {
      const [a, b] = [n.parameter(k), m.parameter(k)];
      assert.ok(same(a, b), `${what}: ${n.name} parameter ${k}: compiled ${a}, interpreted ${b}`);
    }
  });
  // The store form (StatementStore, which propagations call) writes what the returning form gives.
  const stores = new StatementCompiler(compiled.variables);
  const written = new Float64Array(2);
  compiled.deterministic.forEach((d, id) => {
    if (isCompiled(d)) count++;
    const [a, b] = [d.evaluate(), interpreted.deterministic[id]!.evaluate()];
    assert.ok(same(a, b), `${what}: ${d.name}: compiled ${a}, interpreted ${b}`);
    if (!isCompiled(d)) return;
    const link = d.statement.target.link;
    const store = stores.store(d.statement.value, d.scope, link ? INVERSE_LINKS[link] : undefined);
    assert.ok(store, `${what}: ${d.name} compiles but has no store`);
    written[1] = Number.NaN;
    store(d.scope, written, 1);
    assert.ok(same(written[1]!, a), `${what}: ${d.name}: stored ${written[1]}, returned ${a}`);
    // The store for points only tried (powers by trialPower): within rounding of the exact value, or the same where it is not finite.
    const trial = stores.trialStore(d.statement.value, d.scope, link ? INVERSE_LINKS[link] : undefined);
    if (!trial) return;
    written[0] = Number.NaN;
    trial(d.scope, written, 0);
    const t = written[0]!;
    assert.ok(same(t, a) || Math.abs(t - a) <= 1e-12 * Math.abs(a) + 1e-300, `${what}: ${d.name}: tried ${t}, exact ${a}`);
    // The returning form of the same (a moving design's free factors) gives what the trial store writes.
    if (!link) {
      const code = stores.trialCode(d.statement.value, d.scope);
      assert.ok(code, `${what}: ${d.name} has a trial store but no trial code`);
      assert.ok(same(code(d.scope), t), `${what}: ${d.name}: trial code ${code(d.scope)}, trial store ${t}`);
    }
  });
  return count;
}

function bothWays(source: string): [ModelGraph, ModelGraph] {
  const { document, data } = parsed(source);
  const compiled = compileModel(document, data);
  const interpreted = withInterpretedExpressions(() => compileModel(document, data));
  assert.ok(interpreted.stochastic.every((n) => !isCompiled(n)) && interpreted.deterministic.every((d) => !isCompiled(d)));
  return [compiled, interpreted];
}

const DATA = `data list(N = 4, M = 3, x = c(0.5, -1, 2, 0), c = c(1, 2, -0.5, 3), b = c(0.25, -2, 1),
  X = structure(c(1, 2, 3, 4, 5, 6, 0.5, -1, 0, 2, -3, 1e-3), .Dim = c(4, 3)), p = c(0.2, 0.3, 0.5))`;

/** A model with one definition per row and column, `y[i, j] <- expression`, and the nodes it may read. */
function definitionModel(expression: string): string {
  return `model {
  for (i in 1:N) {
    k[i] ~ dcat(p[])
    w[i] ~ dnorm(0, 1)
    for (j in 1:M) { y[i, j] <- ${expression} }
  }
  u ~ dnorm(0, 1)
}
${DATA}`;
}

/** Every form of the language that compiles: operators, scalar functions, index forms (loop, constant, data-read and stochastic positions), inprod. */
const LEAVES = [
  '0', '1', '2', '0.5', '3.25', '1e-3', '1e+300', 'i', 'j', 'u', 'x[i]', 'X[i, j]', 'X[i, 2]', 'X[N - i + 1, M + 1 - j]', 'b[j]', 'w[i]', 'c[i]',
  'x[k[i]]', 'X[k[i], j]', 'b[k[i]]', 'X[i, k[i]]', 'x[i * 1]',
  'inprod(X[i, ], b[])', 'inprod(X[, j], c[])', 'inprod(X[i, 1:2], b[2:3])', 'inprod(b, X[i, ])', 'inprod(X[k[i], ], b[])',
];
const OPERATORS = ['+', '-', '*', '/', '^', '<', '<=', '>', '>=', '==', '!=', '&&', '||', '&', '|'];
const SCALAR_FUNCTIONS = Object.values(FUNCTIONS).filter((f) => !f.reducesArrays && !f.domainProblem);

function randomExpression(rng: { uniform(): number }, depth: number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.uniform() * xs.length)]!;
  const u = rng.uniform();
  if (depth === 0 || u < 0.25) return pick(LEAVES);
  if (u < 0.35) return `${pick(['-', '!'])}(${randomExpression(rng, depth - 1)})`;
  if (u < 0.7) return `(${randomExpression(rng, depth - 1)} ${pick(OPERATORS)} ${randomExpression(rng, depth - 1)})`;
  const f = pick(SCALAR_FUNCTIONS);
  const arity = typeof f.arity === 'number' ? f.arity : f.arity[0];
  return `${f.name}(${Array.from({ length: arity }, () => randomExpression(rng, depth - 1)).join(', ')})`;
}

describe('statements compiled to JavaScript agree with the interpreter', () => {
  it('on every operator, scalar function and index form', () => {
    const forms = [
      ...LEAVES,
      ...OPERATORS.map((op) => `(X[i, j] ${op} x[i])`),
      ...OPERATORS.map((op) => `(0 ${op} w[i])`),
      ...SCALAR_FUNCTIONS.map((f) => `${f.name}(${Array.from({ length: typeof f.arity === 'number' ? f.arity : f.arity[0] }, (_, k) => ['X[i, j]', 'u', 'w[i]'][k]).join(', ')})`),
      '-X[i, j]', '!w[i]', '+u', '0 * (1 / 0)', '(1 / 0) * 0',
    ];
    for (const [n, form] of forms.entries()) {
      const graphs = bothWays(definitionModel(form));
      for (let seed = 1; seed <= 3; seed++) {
        scramble(graphs, 100 * n + seed, new Set(['k']));
        const compiled = assertSameValues(graphs[0], graphs[1], form);
        assert.equal(compiled, 4 * 3 + 4 + 1, `${form}: every node compiled`);
      }
    }
  });

  it('on random expressions (a fuzz of 300 models, fixed seed)', () => {
    const rng = new Random(20261205);
    for (let n = 0; n < 300; n++) {
      const form = randomExpression(rng, 4);
      const graphs = bothWays(definitionModel(form));
      scramble(graphs, n, new Set(['k']));
      assert.equal(assertSameValues(graphs[0], graphs[1], form), 17, `${form}: every node compiled`);
    }
  });

  it("remembers a row's power only for the same base and exponent, 0 and -0 apart", () => {
    const pow = rowPowers();
    const target = new Float64Array(50);
    for (const [x, y, row] of [[2, 3, 5], [2, 3, 5], [2, 0.5, 5], [3, 0.5, 5], [3, 0.5, 40], [0, -1, 0], [-0, -1, 0], [-0, -1, 0], [0, -1, 0], [Number.NaN, 2, 1], [Number.NaN, 0, 1], [-8, 1 / 3, 2], [0.7, 22.5, 2]] as const) {
      assert.ok(same(pow(x, y, target, row), Math.pow(x, y)), `pow(${x}, ${y}) at row ${row}`);
    }
  });

  it('falls back to the interpreter for what it does not compile, with the same values', () => {
    for (const form of ['sum(X[i, ])', 'mean(c[])', 'dnorm(x[i], 0, 1)', 'max(X[i, j], w[i])', 'inprod(X[i, 1:j], b[1:j])', 'logdet(X[1:2, 1:2]) * 0']) {
      const graphs = bothWays(definitionModel(form));
      scramble(graphs, 7, new Set(['k']));
      assert.equal(graphs[0].deterministic.filter(isCompiled).length, 0, `${form} falls back`);
      assertSameValues(graphs[0], graphs[1], form);
    }
  });

  it('on stochastic parameters (read in place or compiled), links and truncation', () => {
    const graphs = bothWays(`model {
  for (i in 1:N) {
    logit(q[i]) <- u + x[i]
    z[i] ~ dnorm(inprod(X[i, ], b[]), exp(w[i])) T(-1, c[i] + 2)
    r[i] ~ dbin(q[i], 10)
    w[i] ~ dgamma(1 + x[i] * x[i], 2)
    cut[i] ~ dinterval(z[i], c[i] - 1)
    k[i] ~ dcat(p[])
  }
  for (i in 2:N) {
    for (j in 1:M) { v[i, j] ~ dnorm(X[i - 1, j], b[j]) }
    e[i] ~ dnorm(x[i - 1], X[i, 3])
  }
  u ~ dnorm(0, 1)
}
${DATA}`);
    for (let seed = 1; seed <= 5; seed++) {
      scramble(graphs, seed);
      // All but dcat's four (its p[] is an array value, interpreted): 4 rows of q, z, r, w and cut, 3 × 3 of v, 3 of e, and u.
      assert.equal(assertSameValues(graphs[0], graphs[1], 'regression'), 33);
    }
  });

  it("on every classic example's model, at its starts and at scrambled values", () => {
    const root = join(__dirname, '../../../examples/classic-bugs');
    for (const name of readdirSync(root)) {
      const notebook = JSON.parse(readFileSync(join(root, name, `${name}.ipynb`), 'utf8')) as { cells: Array<{ cell_type: string; source: string[] }> };
      const cell = notebook.cells.find((c) => c.cell_type === 'code')!.source.join('');
      const request = readRequest('sample', cell, { chains: 1, burnin: 10, iterations: 10, thin: 1 }, () => 1, { baseDirectory: join(root, name) });
      const compiled = compileModel(request.document, request.data);
      const interpreted = withInterpretedExpressions(() => compileModel(request.document, request.data));
      for (const g of [compiled, interpreted]) setInitialValues(g, request.inits, request.initsRange);
      assertSameValues(compiled, interpreted, `${name} at its starts`);
      scramble([compiled, interpreted], 3);
      assertSameValues(compiled, interpreted, `${name} scrambled`);
    }
  });
});
