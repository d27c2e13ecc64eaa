import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeConditional, type Conditional } from '../../../src/engine/inference/conditionals';
import { assignSamplers } from '../../../src/engine/inference/gibbs';
import { Dependence, DependenceAnalysis } from '../../../src/engine/inference/linearity';
import { parseExpressionText } from '../../../src/engine/language/parser';
import { refreshDeterministic } from '../../../src/engine/model/compile';
import type { ModelGraph } from '../../../src/engine/model/graph';
import { compile, compileWithInits, node, setValue } from './helpers';

const X = [1, 2, 3, 4, 5];
const Y = [1.3, 2.1, 2.8, 4.4, 4.9];

const REGRESSION = `model {
  for (i in 1:N) {
    mu[i] <- alpha + beta * x[i]
    Y[i] ~ dnorm(mu[i], tau)
  }
  alpha ~ dnorm(0.5, 0.25)
  beta ~ dnorm(-1, 0.01)
  tau ~ dgamma(2, 3)
}
data list(N = 5, x = c(${X.join(', ')}), Y = c(${Y.join(', ')}))`;

/** The regression at a fixed state: alpha = 0.3, beta = 0.9, tau = 1.7. */
function regressionAt(): ModelGraph {
  const g = compile(REGRESSION);
  setValue(g, 'alpha', 0.3);
  setValue(g, 'beta', 0.9);
  setValue(g, 'tau', 1.7);
  refreshDeterministic(g);
  return g;
}

function parametersOf(c: Conditional | undefined): [number, number] {
  assert.ok(c, 'expected a closed-form conditional');
  const out = new Float64Array(2);
  c.parameters(out);
  return [out[0]!, out[1]!];
}

function assertClose(actual: number, expected: number, what: string, relative = 1e-12): void {
  assert.ok(Math.abs(actual - expected) <= relative * Math.max(1, Math.abs(expected)), `${what}: ${actual} differs from ${expected}`);
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

describe('complete conditionals: linear-Gaussian regression', () => {
  it('finds a normal conditional for alpha, with precision t0 + n·tau and the weighted mean', () => {
    const g = regressionAt();
    const c = analyzeConditional(g, node(g, 'alpha'));
    assert.equal(c?.family, 'normal');
    const [mean, precision] = parametersOf(c);
    // alpha ~ N(m0 = 0.5, t0 = 0.25); Y[i] ~ N(alpha + beta x[i], tau): every child has coefficient b = 1.
    const [m0, t0, beta, tau] = [0.5, 0.25, 0.9, 1.7];
    const expectedPrecision = t0 + X.length * tau;
    const expectedMean = (t0 * m0 + tau * sum(Y.map((y, i) => y - beta * X[i]!))) / expectedPrecision;
    assertClose(precision, expectedPrecision, 'precision');
    assertClose(mean, expectedMean, 'mean');
  });

  it('finds a normal conditional for beta, with precision t0 + tau·Σx² and mean (t0·m0 + tau·Σx(y − alpha)) / precision', () => {
    const g = regressionAt();
    const c = analyzeConditional(g, node(g, 'beta'));
    assert.equal(c?.family, 'normal');
    const [mean, precision] = parametersOf(c);
    const [m0, t0, alpha, tau] = [-1, 0.01, 0.3, 1.7];
    const expectedPrecision = t0 + tau * sum(X.map((x) => x * x));
    const expectedMean = (t0 * m0 + tau * sum(X.map((x, i) => x * (Y[i]! - alpha)))) / expectedPrecision;
    assertClose(precision, expectedPrecision, 'precision');
    assertClose(mean, expectedMean, 'mean');
  });

  it('finds a gamma conditional for tau, with shape a + n/2 and rate b + Σ(y − mu)²/2', () => {
    const g = regressionAt();
    const c = analyzeConditional(g, node(g, 'tau'));
    assert.equal(c?.family, 'gamma');
    const [shape, rate] = parametersOf(c);
    const [a, b, alpha, beta] = [2, 3, 0.3, 0.9];
    assertClose(shape, a + X.length / 2, 'shape');
    assertClose(rate, b + sum(Y.map((y, i) => (y - alpha - beta * X[i]!) ** 2)) / 2, 'rate');
    // Every child's precision is tau itself, so the sampler's path takes the half once; EM's weighted path, child by child, agrees.
    const out = new Float64Array(2);
    c!.prior(out, true);
    c!.accumulate(out, new Float64Array(g.stochastic.length).fill(1));
    assertClose(out[0]!, shape, 'shape child by child');
    assertClose(out[1]!, rate, 'rate child by child');
  });

  it('leaves the node and its deterministic dependents as they were after computing the parameters', () => {
    const g = regressionAt();
    const before = Array.from(g.variables.get('mu')!.values);
    for (const name of ['alpha', 'beta', 'tau']) parametersOf(analyzeConditional(g, node(g, name)));
    assert.equal(g.variables.get('alpha')!.values[0], 0.3);
    assert.equal(g.variables.get('beta')!.values[0], 0.9);
    assert.equal(g.variables.get('tau')!.values[0], 1.7);
    assert.deepEqual(Array.from(g.variables.get('mu')!.values), before);
  });

  it('draws alpha and beta jointly (they share every child) and tau from its gamma conditional', () => {
    const g = compileWithInits(REGRESSION);
    assert.deepEqual(assignSamplers(g).map((s) => [s.nodes.map((n) => n.name).join(' '), s.label]), [
      ['alpha beta', 'block normal (2)'],
      ['tau', 'conjugate gamma'],
    ]);
  });
});

describe('complete conditionals: other conjugate pairs', () => {
  it('finds a truncated normal conditional for a truncated prior, with the truncation as bounds', () => {
    const g = compileWithInits('model { y ~ dnorm(m, 4)\n m ~ dnorm(1, 1) T(0, 3) }\ndata list(y = 2)');
    const c = analyzeConditional(g, node(g, 'm'));
    assert.equal(c?.family, 'normal');
    const out = new Float64Array(4);
    c!.parameters(out);
    assertClose(out[1]!, 5, 'precision');
    assertClose(out[0]!, (1 + 4 * 2) / 5, 'mean');
    assert.deepEqual([out[2], out[3]], [0, 3]);
  });

  it('finds a flat-prior normal conditional for dunif with normal children, bounded by the uniform', () => {
    const g = compileWithInits('model { for (i in 1:2) { y[i] ~ dnorm(m, 2) }\n m ~ dunif(-1, 5) }\ndata list(y = c(1, 2))');
    const c = analyzeConditional(g, node(g, 'm'));
    const out = new Float64Array(4);
    c!.parameters(out);
    assert.deepEqual(Array.from(out), [1.5, 4, -1, 5]);
  });

  it('bounds a normal node by the intervals its dinterval children observe', () => {
    const g = compileWithInits('model { z ~ dnorm(0, 1)\n y ~ dinterval(2 * z + 1, cut[]) }\ndata list(y = 1, cut = c(0, 4))');
    const c = analyzeConditional(g, node(g, 'z'));
    const out = new Float64Array(4);
    c!.parameters(out);
    // 0 < 2z + 1 <= 4  ⇔  -0.5 < z <= 1.5
    assert.deepEqual(Array.from(out), [0, 1, -0.5, 1.5]);
  });

  it('finds a beta conditional for Bernoulli and binomial children: a + Σy, b + Σ(n − y)', () => {
    const g = compileWithInits('model { for (i in 1:3) { y[i] ~ dbern(p) }\n r ~ dbin(p, 10)\n p ~ dbeta(2, 3) }\ndata list(y = c(1, 0, 1), r = 4)');
    const c = analyzeConditional(g, node(g, 'p'));
    assert.equal(c?.family, 'beta');
    const out = new Float64Array(2);
    c!.parameters(out);
    assert.deepEqual(Array.from(out), [2 + 2 + 4, 3 + 1 + 6]);
  });

  it('counts only the children that currently select a mixture component (gamma precision through tau[z[i]])', () => {
    const source = `model {
  for (i in 1:4) { y[i] ~ dnorm(0, tau[z[i]])
    z[i] ~ dcat(w[]) }
  for (k in 1:2) { tau[k] ~ dgamma(1, 2) }
}
data list(y = c(1, 2, 3, 4), w = c(0.5, 0.5))
inits list(z = c(1, 2, 2, 1), tau = c(1, 1))`;
    const g = compileWithInits(source);
    const c = analyzeConditional(g, node(g, 'tau[1]'));
    assert.equal(c?.family, 'gamma');
    const out = new Float64Array(2);
    c!.parameters(out);
    // Children 1 and 4 select tau[1]: shape 1 + 2/2, rate 2 + (1 + 16)/2.
    assert.deepEqual(Array.from(out), [2, 2 + 8.5]);
  });

  it('finds a gamma conditional for a Poisson rate theta·t[i], with shape a + Σx and rate b + Σt', () => {
    const x = [3, 0, 5, 2];
    const t = [1.5, 0.5, 2, 1];
    const g = compile(`model {
  for (i in 1:4) { x[i] ~ dpois(theta * t[i]) }
  theta ~ dgamma(2, 0.5)
}
data list(x = c(${x.join(', ')}), t = c(${t.join(', ')}))`);
    setValue(g, 'theta', 1.2);
    const c = analyzeConditional(g, node(g, 'theta'));
    assert.equal(c?.family, 'gamma');
    const [shape, rate] = parametersOf(c);
    assertClose(shape, 2 + sum(x), 'shape');
    assertClose(rate, 0.5 + sum(t), 'rate');
  });

  it('finds a gamma conditional for an exponential prior on a precision', () => {
    const g = compile('model { for (i in 1:3) { y[i] ~ dnorm(1, tau) }\n tau ~ dexp(2) }\ndata list(y = c(0, 1, 3))');
    setValue(g, 'tau', 0.7);
    const [shape, rate] = parametersOf(analyzeConditional(g, node(g, 'tau')));
    assertClose(shape, 1 + 3 / 2, 'shape');
    assertClose(rate, 2 + (1 + 0 + 4) / 2, 'rate');
  });

  it('finds a normal conditional for a hyper-mean whose children are group means', () => {
    const g = compile('model { for (j in 1:3) { theta[j] ~ dnorm(m, 4) }\n m ~ dnorm(0, 1) }');
    [0.5, 1, 2].forEach((v, k) => setValue(g, 'theta', v, k + 1));
    setValue(g, 'm', 0);
    const [mean, precision] = parametersOf(analyzeConditional(g, node(g, 'm')));
    assertClose(precision, 1 + 3 * 4, 'precision');
    assertClose(mean, (4 * (0.5 + 1 + 2)) / 13, 'mean');
  });

  it('takes children that share one precision element together (n·tau, tau·Σy), as child by child', () => {
    const g = compile('model { for (j in 1:4) { y[j] ~ dnorm(mu, tau) }\n mu ~ dnorm(1, 0.5)\n tau ~ dgamma(1, 1) }\ndata list(y = c(0.3, 1.7, 2.2, -0.4))');
    setValue(g, 'mu', 0.2);
    setValue(g, 'tau', 2.5);
    const c = analyzeConditional(g, node(g, 'mu'))!;
    const [mean, precision] = parametersOf(c);
    assertClose(precision, 0.5 + 4 * 2.5, 'precision');
    assertClose(mean, (0.5 * 1 + 2.5 * (0.3 + 1.7 + 2.2 - 0.4)) / 10.5, 'mean');
    // The general path (EM's, with weights) child by child: the same conditional up to rounding.
    const out = new Float64Array(4);
    c.prior(out, true);
    c.accumulate(out, new Float64Array(g.stochastic.length).fill(1));
    assertClose(out[1]!, precision, 'precision child by child');
    assertClose(out[0]! / out[1]!, mean, 'mean child by child');
  });

  it('handles a scaled and shifted mean (mean = 3 + 2·theta) through its coefficient', () => {
    const g = compile('model { y ~ dnorm(3 + 2 * theta, 5)\n theta ~ dnorm(1, 2) }\ndata list(y = 10)');
    setValue(g, 'theta', 0);
    const [mean, precision] = parametersOf(analyzeConditional(g, node(g, 'theta')));
    // Precision 2 + 5·2², mean (2·1 + 5·2·(10 − 3)) / precision.
    assertClose(precision, 22, 'precision');
    assertClose(mean, (2 + 70) / 22, 'mean');
  });
});

describe('complete conditionals: no closed form', () => {
  function conditionalOf(source: string, name: string): Conditional | undefined {
    const g = compileWithInits(source);
    return analyzeConditional(g, node(g, name));
  }

  it('has none for a node in a nonlinear position: exp(a) as a normal mean', () => {
    assert.equal(conditionalOf('model { for (i in 1:3) { Y[i] ~ dnorm(exp(a), 1) }\n a ~ dnorm(0, 1) }\ndata list(Y = c(1, 2, 3))', 'a'), undefined);
  });

  it('has none for a normal node that appears in a child precision', () => {
    assert.equal(conditionalOf('model { y ~ dnorm(0, s * s)\n s ~ dnorm(1, 1) }\ndata list(y = 1)', 's'), undefined);
  });

  it('has none for a gamma node whose child precision is tau squared', () => {
    assert.equal(conditionalOf('model { y ~ dnorm(0, tau * tau)\n tau ~ dgamma(1, 1) }\ndata list(y = 1)', 'tau'), undefined);
  });

  it('has none for a gamma node whose child precision is 1 + tau (an offset, not a scale c·tau)', () => {
    // With a conjugate gamma here the sampler would draw from the wrong distribution.
    assert.equal(conditionalOf('model { for (i in 1:3) { y[i] ~ dnorm(0, tau + 1) }\n tau ~ dgamma(1, 1) }\ndata list(y = c(1, 2, 3))', 'tau'), undefined);
    assert.equal(conditionalOf('model { for (i in 1:3) { x[i] ~ dpois(theta + 1) }\n theta ~ dgamma(1, 1) }\ndata list(x = c(1, 2, 3))', 'theta'), undefined);
  });

  it('has none through a link function', () => {
    assert.equal(conditionalOf('model { log(m) <- a\n y ~ dnorm(m, 1)\n a ~ dnorm(0, 1) }\ndata list(y = 1)', 'a'), undefined);
  });

  it('has none for a node with a truncated child (the normalising constant of the truncation depends on the node)', () => {
    assert.equal(conditionalOf('model { y ~ dnorm(m, 1) T(0,)\n m ~ dnorm(0, 1) }\ndata list(y = 1)', 'm'), undefined);
  });

  it('has none for a beta node whose child probability is a function of it, not the node itself', () => {
    assert.equal(conditionalOf('model { y ~ dbern(p * 0.5)\n p ~ dbeta(1, 1) }\ndata list(y = 1)', 'p'), undefined);
  });

  it('has none for an observed node', () => {
    const g = compileWithInits('model { y ~ dnorm(m, 1)\n m ~ dnorm(0, 1) }\ndata list(y = 1)');
    assert.equal(analyzeConditional(g, node(g, 'y')), undefined);
  });
});

describe('linearity analysis', () => {
  const MODEL = `model {
  th ~ dnorm(0, 1)
  other ~ dnorm(0, 1)
  twice <- 2 * th
  for (k in 1:3) { v[k] <- th * k }
  w[1] <- th
  w[2] <- 5
  y ~ dnorm(twice + other, 1)
  # v and w feed a stochastic node: deterministic nodes nothing reads are not followed by the analysis.
  y2 ~ dnorm(sum(v[]) + sum(w[]), 1)
}
data list(y = 0, y2 = 0)`;
  const g = compileWithInits(MODEL);
  const analysis = new DependenceAnalysis(g, node(g, 'th'));
  const of = (text: string): Dependence => {
    const { expression } = parseExpressionText(text);
    assert.ok(expression);
    return analysis.of(expression, new Map());
  };

  it('classifies constants, scales, linear and nonlinear expressions of th', () => {
    const cases: Array<[string, Dependence]> = [
      ['3', Dependence.Constant],
      ['other', Dependence.Constant],
      ['th', Dependence.Scale],
      ['2 * th', Dependence.Scale],
      ['th * other', Dependence.Scale],
      ['th / 4', Dependence.Scale],
      ['-th', Dependence.Scale],
      ['th + th', Dependence.Scale],
      ['th * 2 + other * th', Dependence.Scale],
      ['th * th', Dependence.Nonlinear],
      ['1 / th', Dependence.Nonlinear],
      ['exp(th)', Dependence.Nonlinear],
      ['th ^ 2', Dependence.Nonlinear],
      ['exp(other) * th', Dependence.Scale],
      ['twice', Dependence.Scale],
      ['sum(v[])', Dependence.Scale],
    ];
    for (const [text, expected] of cases) assert.equal(of(text), expected, text);
  });

  it('classifies a constant plus th as linear, not as a scale', () => {
    const cases: Array<[string, Dependence]> = [
      ['th + 1', Dependence.Linear],
      ['1 - th', Dependence.Linear],
      ['other + th', Dependence.Linear],
      ['twice + other', Dependence.Linear],
      ['sum(w[])', Dependence.Linear], // th + 5
    ];
    for (const [text, expected] of cases) assert.equal(of(text), expected, text);
  });
});

describe("linearity analysis: a reference's elements", () => {
  // One matrix whose elements depend on th in every way, read by y so that the analysis follows them.
  const g = compileWithInits(`model {
  th ~ dnorm(0, 1)
  M[1, 1] <- 1
  M[1, 2] <- th
  M[1, 3] <- th + 1
  M[2, 1] <- th * th
  M[2, 2] <- 2
  M[2, 3] <- 3 * th
  y ~ dnorm(sum(M[, ]), 1)
}
data list(y = 0, P = c(1, 2, 3))`);
  const analysis = new DependenceAnalysis(g, node(g, 'th'));
  const [C, S, L, N] = [Dependence.Constant, Dependence.Scale, Dependence.Linear, Dependence.Nonlinear];
  const parse = (text: string) => {
    const { expression } = parseExpressionText(text);
    assert.ok(expression);
    return expression;
  };

  it('lists a row, a column, a part of a row and the whole matrix row-major, in and out of a loop', () => {
    const cases: Array<[string, Map<string, number>, Dependence[]]> = [
      ['M[1, ]', new Map(), [C, S, L]],
      ['M[2, ]', new Map(), [N, C, S]],
      ['M[k, ]', new Map([['k', 2]]), [N, C, S]],
      ['M[, 3]', new Map(), [L, S]],
      ['M[, k + 1]', new Map([['k', 1]]), [S, C]],
      ['M[2, 2:3]', new Map(), [C, S]],
      ['M[1, 0:2]', new Map(), [C, S]],
      ['M[1, 3:2]', new Map(), []],
      ['M[1, 2]', new Map(), [S]],
      ['M', new Map(), [C, S, L, N, C, S]],
      ['M[, ]', new Map(), [C, S, L, N, C, S]],
      ['P[]', new Map(), [C, C, C]],
    ];
    for (const [text, scope, expected] of cases) assert.deepEqual(analysis.elements(parse(text), scope), expected, text);
  });

  it('adds up an inner product term by term', () => {
    const cases: Array<[string, Dependence]> = [
      ['inprod(M[1, ], P[])', L],
      ['inprod(M[2, 2:3], P[1:2])', L],
      ['inprod(M[, 2], P[1:2])', L],
      ['inprod(M[1, ], M[2, ])', N],
      ['inprod(M[1, ], P[1:2])', N],
      ['inprod(P[], P[])', C],
    ];
    for (const [text, expected] of cases) assert.equal(analysis.of(parse(text), new Map()), expected, text);
  });
});
