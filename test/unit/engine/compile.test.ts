import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDocument } from '../../../src/engine/language/parser';
import { compileModel } from '../../../src/engine/model/compile';
import { elementName } from '../../../src/engine/model/graph';
import { compile, modelErrorOf, names, node, parsed, singleProblem, textOf } from './helpers';

const REGRESSION = `model {
  for (i in 1:N) {
    mu[i] <- alpha + beta * x[i]
    Y[i] ~ dnorm(mu[i], tau)
  }
  alpha ~ dnorm(0, 1.0E-4)
  beta ~ dnorm(0, 1.0E-4)
  tau ~ dgamma(0.001, 0.001)
}
data list(N = 4, x = c(1, 2, 3, 4), Y = c(1.1, 1.9, 3.2, 3.9))`;

/** Compiles a cell that must fail with exactly one problem; returns it with the text it points at. */
function failure(source: string): { message: string; covered: string } {
  const p = singleProblem(source, () => compile(source));
  return { message: p.message, covered: textOf(source, p.range) };
}

describe('model compiler: shapes and values', () => {
  it('infers the dimensions of model variables from the loops that define them', () => {
    const g = compile('model { for (i in 1:N) { for (j in 1:M) { theta[i, j] ~ dnorm(0, 1) } } }\ndata list(N = 2, M = 3)');
    assert.deepEqual(g.variables.get('theta')!.dims, [2, 3]);
    assert.deepEqual(
      g.stochastic.map((n) => n.name),
      ['theta[1,1]', 'theta[1,2]', 'theta[1,3]', 'theta[2,1]', 'theta[2,2]', 'theta[2,3]'],
    );
  });

  it('takes the largest index used as the size when statements define parts of a variable', () => {
    const g = compile('model { a[1] ~ dnorm(0, 1)\n for (i in 2:4) { a[i] ~ dnorm(a[i - 1], 1) } }');
    assert.deepEqual(g.variables.get('a')!.dims, [4]);
    assert.equal(g.stochastic.length, 4);
  });

  it('keeps the shapes of the data, matrices included, and observes the given elements', () => {
    const g = compile(`model { for (i in 1:2) { for (j in 1:3) { Y[i, j] ~ dnorm(m, 1) } }\n m ~ dnorm(0, 1) }
data list(Y = structure(c(1, 2, 3, 4, 5, 6), .Dim = c(2, 3)))`);
    const Y = g.variables.get('Y')!;
    assert.deepEqual(Y.dims, [2, 3]);
    const y21 = node(g, 'Y[2,1]');
    assert.equal(y21.observed, true);
    assert.equal(y21.variable.values[y21.offset], 2); // column-major data: Y[2,1] is the second value
    assert.equal(node(g, 'Y[1,2]').variable.values[node(g, 'Y[1,2]').offset], 3);
    assert.deepEqual(names(g, g.unobserved), ['m']);
  });

  it('treats NA elements of the data as unobserved nodes', () => {
    const g = compile('model { for (i in 1:3) { y[i] ~ dnorm(0, 1) } }\ndata list(y = c(1, NA, 3))');
    assert.deepEqual(g.stochastic.map((n) => [n.name, n.observed]), [['y[1]', true], ['y[2]', false], ['y[3]', true]]);
    assert.deepEqual(names(g, g.unobserved), ['y[2]']);
  });

  it('computes deterministic nodes of the data at compile time: mean(x[]), sum over a range, a row', () => {
    const g = compile(`model {
  xbar <- mean(x[])
  total <- sum(x[2:3])
  row2 <- sum(M[2, ])
  col1 <- sum(M[, 1])
  scaled[1] <- (x[1] - xbar) / 2
  a ~ dnorm(xbar, 1)
}
data list(x = c(1, 2, 6), M = structure(c(1, 2, 3, 4), .Dim = c(2, 2)))`);
    const get = (name: string): number => g.variables.get(name)!.values[0]!;
    assert.equal(get('xbar'), 3);
    assert.equal(get('total'), 8);
    assert.equal(get('row2'), 2 + 4); // M = [1 3; 2 4]
    assert.equal(get('col1'), 1 + 2);
    assert.equal(get('scaled'), -1);
  });

  it('applies the inverse link to a link-function relation', () => {
    const g = compile('model { logit(p) <- 0\n log(lambda) <- log(2.5)\n y ~ dbern(p) }\ndata list(y = 1)');
    assert.equal(g.variables.get('p')!.values[0], 0.5);
    assert.ok(Math.abs(g.variables.get('lambda')!.values[0]! - 2.5) < 1e-12);
  });

  it('names elements as JAGS does', () => {
    const g = compile('model { for (i in 1:2) { for (j in 1:3) { z[i, j] ~ dnorm(0, 1) } }\n s ~ dnorm(0, 1) }');
    assert.equal(elementName(g.variables.get('z')!, 5), 'z[2,3]');
    assert.equal(elementName(g.variables.get('z')!, 1), 'z[1,2]');
    assert.equal(elementName(g.variables.get('s')!, 0), 's');
  });

  it('lists the unobserved nodes in statement order', () => {
    const g = compile(REGRESSION);
    assert.deepEqual(names(g, g.unobserved), ['alpha', 'beta', 'tau']);
  });
});

describe('model compiler: wiring', () => {
  it('makes every Y[i] a child of alpha and beta through mu[i], and every mu[i] their dependents', () => {
    const g = compile(REGRESSION);
    const Ys = ['Y[1]', 'Y[2]', 'Y[3]', 'Y[4]'];
    for (const parent of ['alpha', 'beta']) {
      const n = node(g, parent);
      assert.deepEqual(names(g, n.children), Ys, `children of ${parent}`);
      assert.deepEqual(n.dependents.map((id) => g.deterministic[id]!.name), ['mu[1]', 'mu[2]', 'mu[3]', 'mu[4]'], `dependents of ${parent}`);
    }
  });

  it('makes the Y[i] direct children of tau, with no deterministic dependents', () => {
    const g = compile(REGRESSION);
    const tau = node(g, 'tau');
    assert.deepEqual(names(g, tau.children), ['Y[1]', 'Y[2]', 'Y[3]', 'Y[4]']);
    assert.deepEqual(tau.dependents, []);
    for (const y of ['Y[1]', 'Y[4]']) assert.deepEqual(node(g, y).children, []);
  });

  it('gives consecutive nodes with the same children or dependents one list, and a node with others its own', () => {
    const g = compile(REGRESSION);
    const [alpha, beta, tau] = ['alpha', 'beta', 'tau'].map((name) => node(g, name));
    // One list object, not only equal contents: D coefficients of a million-row regression held D lists of a million ids.
    assert.equal(beta.children, alpha.children);
    assert.equal(beta.dependents, alpha.dependents);
    assert.equal(tau.children, beta.children);
    assert.deepEqual(tau.dependents, []);
    const h = compile(`model {
  for (j in 1:2) { theta[j] ~ dnorm(0, 1) }
  for (i in 1:4) { y[i] ~ dnorm(theta[g[i]], 1) }
}
data list(g = c(1, 1, 2, 2), y = c(0.1, 0.2, 0.3, 0.4))`);
    assert.notEqual(node(h, 'theta[2]').children, node(h, 'theta[1]').children);
    assert.deepEqual(names(h, node(h, 'theta[2]').children), ['y[3]', 'y[4]']);
  });

  it('gives a node new children without changing the list it shared', () => {
    const g = compile(REGRESSION);
    const [alpha, beta] = ['alpha', 'beta'].map((name) => node(g, name));
    const shared = beta.children;
    alpha.children = [shared[0]!, shared[1]!];
    assert.deepEqual(names(g, beta.children), ['Y[1]', 'Y[2]', 'Y[3]', 'Y[4]']);
    assert.equal(beta.children, shared);
    assert.deepEqual(names(g, alpha.children), ['Y[1]', 'Y[2]']);
  });

  it('follows chains of deterministic nodes and orders dependents so that parents come first', () => {
    const g = compile('model {\n c <- b * 2\n b <- a + 1\n y ~ dnorm(c, 1)\n a ~ dnorm(0, 1) }\ndata list(y = 0)');
    const a = node(g, 'a');
    assert.deepEqual(names(g, a.children), ['y']);
    assert.deepEqual(a.dependents.map((id) => g.deterministic[id]!.name), ['b', 'c']);
    assert.deepEqual(g.deterministicOrder.map((id) => g.deterministic[id]!.name), ['b', 'c']);
  });

  it('counts a node read through a truncation bound as a child', () => {
    const g = compile('model { lo ~ dnorm(0, 1)\n y ~ dnorm(0, 1) T(lo,) }\ndata list(y = 1)');
    assert.deepEqual(names(g, node(g, 'lo').children), ['y']);
  });

  it('wires a hierarchical model: group means are children of the hyper-mean, observations of their group', () => {
    const g = compile(`model {
  for (j in 1:2) { theta[j] ~ dnorm(m, 1) }
  for (i in 1:4) { y[i] ~ dnorm(theta[g[i]], 1) }
  m ~ dnorm(0, 1)
}
data list(g = c(1, 1, 2, 2), y = c(0.1, 0.2, 0.3, 0.4))`);
    assert.deepEqual(names(g, node(g, 'm').children), ['theta[1]', 'theta[2]']);
    assert.deepEqual(names(g, node(g, 'theta[1]').children), ['y[1]', 'y[2]']);
    assert.deepEqual(names(g, node(g, 'theta[2]').children), ['y[3]', 'y[4]']);
  });
});

describe('model compiler: errors', () => {
  it('reports an unknown name with a suggestion, at the name', () => {
    const { message, covered } = failure('model { tau ~ dgamma(1, 1)\n mu ~ dnorm(0, tao) }');
    assert.equal(message, "Unknown name 'tao': it is neither data nor defined in the model. Did you mean 'tau'?");
    assert.equal(covered, 'tao');
  });

  it('suggests a data name too, and no suggestion for a name unlike any other', () => {
    assert.match(failure('model { m ~ dnorm(xbar, 1) }\ndata list(x.bar = 1)').message, /Did you mean 'x\.bar'\?/);
    assert.doesNotMatch(failure('model { m ~ dnorm(zzzzzz, 1) }').message, /Did you mean/);
  });

  it('reports an unknown distribution with a suggestion, at the distribution name', () => {
    const { message, covered } = failure('model { tau ~ dgama(1, 1) }');
    assert.match(message, /Unknown or not yet supported distribution 'dgama'\. Did you mean 'dgamma'\?/);
    assert.equal(covered, 'dgama');
  });

  it('reports the wrong number of distribution arguments, naming the parameters', () => {
    const { message, covered } = failure('model { mu ~ dnorm(0) }');
    assert.equal(message, 'dnorm takes 2 argument(s) (mean, precision), got 1.');
    assert.equal(covered, 'mu ~ dnorm(0)');
  });

  it('reports the wrong number of function arguments', () => {
    assert.match(failure('model { m <- pow(2)\n a ~ dnorm(m, 1) }').message, /pow\(\) takes 2 argument\(s\), got 1/);
  });

  it('reports a node defined twice, at the second definition', () => {
    const source = 'model {\n a ~ dnorm(0, 1)\n a ~ dnorm(1, 1)\n}';
    const p = singleProblem(source, () => compile(source));
    assert.equal(p.message, 'a is defined twice (also at line 2).');
    assert.equal(p.range.start.line, 2);
  });

  it('reports an element defined twice by overlapping loops', () => {
    const { message } = failure('model { for (i in 1:3) { y[i] ~ dnorm(0, 1) }\n y[2] ~ dnorm(0, 1) }');
    assert.match(message, /^y\[2\] is defined twice/);
  });

  it('reports a deterministic node that is given as data', () => {
    const { message, covered } = failure('model { mu <- 2 * a\n a ~ dnorm(0, 1) }\ndata list(mu = 3)');
    assert.match(message, /mu is given as data but defined here with '<-': a deterministic node cannot be observed/);
    assert.equal(covered, 'mu');
  });

  it('reports an index out of range, at the index', () => {
    const { message, covered } = failure('model { for (i in 1:4) { y[i] ~ dnorm(x[i], 1) } }\ndata list(x = c(1, 2, 3))');
    assert.match(message, /^Index 4 is out of range for x: dimension 1 runs from 1 to 3, as the data give x as a vector of 3 values; i runs from 1 to 4 in 'for \(i in 1:4\)'/);
    assert.equal(covered, 'i');
  });

  it('reports a wrong number of indices', () => {
    assert.match(failure('model { y ~ dnorm(M[1], 1) }\ndata list(M = structure(c(1, 2, 3, 4), .Dim = c(2, 2)))').message, /M has 2 dimension\(s\) but is indexed with 1/);
  });

  it('reports a cycle of <- relations', () => {
    const { message } = failure('model {\n a <- b + 1\n b <- a * 2\n y ~ dnorm(a, 1)\n}\ndata list(y = 0)');
    assert.match(message, /depends on itself: the model has a directed cycle/);
  });

  it('reports a directed cycle through stochastic nodes, as JAGS does, since the model then has no joint density', () => {
    for (const source of ['model { a ~ dnorm(a, 1) }', 'model {\n a ~ dnorm(b, 1)\n b ~ dnorm(a, 1)\n}', 'model {\n a ~ dnorm(m, 1)\n m <- 2 * a\n}']) {
      const problems = modelErrorOf(() => compile(source));
      assert.ok(problems.some((p) => /cycle/.test(p.message)), `${source}: ${problems.map((p) => p.message).join(' | ')}`);
    }
  });

  it('reports a loop bound or a defining index that reads a model node as not fixed by the data', () => {
    // Not "Unknown name 'n' ... Did you mean 'n'?": n is known, it is just not data.
    for (const source of [
      'model { n ~ dpois(3)\n for (i in 1:n) { y[i] ~ dnorm(0, 1) } }',
      'model { k ~ dpois(2)\n y[k] ~ dnorm(0, 1) }',
    ]) {
      const { message } = failure(source);
      assert.match(message, /must be fixed by the data/, source);
      assert.doesNotMatch(message, /Did you mean/, source);
    }
  });

  it('reports non-integer data for a discrete distribution', () => {
    assert.match(failure('model { y ~ dpois(l)\n l ~ dgamma(1, 1) }\ndata list(y = 1.5)').message, /y = 1\.5 is data for dpois, whose support is x = 0, 1, 2, …/);
  });

  it('reports a missing model block', () => {
    const doc = parseDocument('var x;').document;
    assert.match(modelErrorOf(() => compileModel(doc, new Map()))[0]!.message, /no 'model \{ \.\.\. \}' block/);
  });

  it("evaluates a data block's relations into data before the model, as JAGS does", () => {
    const withData = parseDocument('data { for (i in 1:3) { z[i] <- 2 * i } }\nmodel { a ~ dnorm(z[3], 1) }').document;
    const graph = compileModel(withData, new Map());
    assert.deepEqual(Array.from(graph.variables.get('z')!.values), [2, 4, 6]);
    assert.equal(graph.stochastic[0]!.params[0]!(), 6);
  });

  it('reports every bad statement, not only the first', () => {
    const source = 'model {\n a ~ dnrm(0, 1)\n b ~ dnorm(0, c)\n}';
    const r = parsed(source);
    const problems = modelErrorOf(() => compileModel(r.document, r.data));
    assert.equal(problems.length, 2);
    assert.deepEqual(problems.map((p) => p.range.start.line), [1, 2]);
  });

  it('reports a bad statement inside a loop once, not once per iteration', () => {
    // Ten identical diagnostics on the same range are noise; the compiler intends one per statement.
    for (const source of [
      'model { for (i in 1:10) { y[i] ~ dnrm(0, 1) } }',
      'model { for (i in 1:10) { y[k] ~ dnorm(0, 1) } }',
    ]) {
      const r = parsed(source);
      const problems = modelErrorOf(() => compileModel(r.document, r.data));
      assert.equal(problems.length, 1, `${source}: ${problems.length} problems`);
    }
  });

  it('still reports a later bad statement in a loop body after an earlier one fails', () => {
    const source = 'model { for (i in 1:3) {\n y[k] ~ dnorm(0, 1)\n z[q] ~ dnorm(0, 1)\n} }';
    const r = parsed(source);
    const problems = modelErrorOf(() => compileModel(r.document, r.data));
    assert.ok(problems.some((p) => /'k'/.test(p.message)), 'the unknown index k');
    assert.ok(problems.some((p) => /'q'/.test(p.message)), 'the unknown index q');
  });
});
