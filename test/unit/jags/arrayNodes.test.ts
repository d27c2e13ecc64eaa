import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compile, singleProblem, textOf } from '../engine/helpers';
import { assertMeanAndVariance, samplePosterior } from '../engine/posteriorCheck';

const close = (got: ArrayLike<number>, want: number[], what: string, tolerance = 1e-9): void => {
  assert.equal(got.length, want.length, what);
  for (let k = 0; k < want.length; k++) assert.ok(Math.abs(got[k]! - want[k]!) <= tolerance, `${what}[${k}]: ${got[k]} vs ${want[k]}`);
};

/**
 * JAGS 4.3 on the same model and data (s6.cmd: model in, data in, compile,
 * initialize, update 100, monitor each node, update 2000, coda *; run as
 * `jags s6.cmd`) gives Sigma = [0.571429 −0.285714; −0.285714 1.14286],
 * ld = 0.559616, tB = [1 2; 3 4], s = 1 2 3, rk = 3 1 2, od = 2 3 1, len = 3,
 * d = 2 2, il = 15. Matrices here are row-major: B = [1 3; 2 4] from R's
 * column-major structure(c(1, 2, 3, 4), .Dim = c(2, 2)).
 */
const MATRIX_MODEL = `model {
  Sigma[1:2, 1:2] <- inverse(Omega[,])
  ld <- logdet(Omega[,])
  tB[1:2, 1:2] <- t(B[,])
  E[1:2, 1:2] <- mexp(A[,])
  Bx[1:2] <- B[,] %*% v2[1:2]
  xB[1:2] <- v2[1:2] %*% B[,]
  q <- t(v2[1:2]) %*% Omega[,] %*% v2[1:2]
  s[1:3] <- sort(v[])
  rk[1:3] <- rank(v[])
  od[1:3] <- order(v[])
  len <- length(v[])
  d[1:2] <- dim(B[,])
  il <- interp.lin(1.5, v1[], v2[])
  lo <- interp.lin(0, v1[], v2[])
  row[1:2] <- 2 * B[2, ] + 1
  th <- tanh(0.5) + arcsin(1) + cosh(0) + arctanh(0.5)
  a ~ dnorm(0, 1)
}
data list(Omega = structure(c(2, 0.5, 0.5, 1), .Dim = c(2, 2)), B = structure(c(1, 2, 3, 4), .Dim = c(2, 2)),
  A = structure(c(0, 1, -1, 0), .Dim = c(2, 2)), v = c(3, 1, 2), v1 = c(1, 2, 3), v2 = c(10, 20, 40))`;

describe('vector- and matrix-valued deterministic nodes', () => {
  const g = compile(MATRIX_MODEL);
  const values = (name: string): Float64Array => g.variables.get(name)!.values;

  it('agree with JAGS 4.3 on inverse, logdet, t, sort, rank, order, length, dim and interp.lin', () => {
    close(values('Sigma'), [0.571429, -0.285714, -0.285714, 1.14286], 'Sigma', 1e-5);
    close(values('ld'), [0.559616], 'ld', 1e-6);
    close(values('tB'), [1, 2, 3, 4], 'tB');
    close(values('s'), [1, 2, 3], 's');
    close(values('rk'), [3, 1, 2], 'rk');
    close(values('od'), [2, 3, 1], 'od');
    close(values('len'), [3], 'len');
    close(values('d'), [2, 2], 'd');
    close(values('il'), [15], 'il');
  });

  it('match closed forms: Σ·Ω = I, log det = log 1.75, exp of a rotation generator, products, interpolation beyond the ends', () => {
    const S = values('Sigma');
    close([S[0]! * 2 + S[1]! * 0.5, S[0]! * 0.5 + S[1]! * 1, S[2]! * 2 + S[3]! * 0.5, S[2]! * 0.5 + S[3]! * 1], [1, 0, 0, 1], 'Σ·Ω', 1e-12);
    close(values('ld'), [Math.log(1.75)], 'ld', 1e-12);
    // A = [0 −1; 1 0] generates rotations: exp(A) = [cos 1, −sin 1; sin 1, cos 1].
    close(values('E'), [Math.cos(1), -Math.sin(1), Math.sin(1), Math.cos(1)], 'E', 1e-12);
    close(values('Bx'), [1 * 10 + 3 * 20, 2 * 10 + 4 * 20], 'B %*% x');
    close(values('xB'), [10 * 1 + 20 * 2, 10 * 3 + 20 * 4], 'x %*% B');
    close(values('q'), [2 * 100 + 2 * 0.5 * 200 + 400], 'xᵀΩx');
    close(values('lo'), [10], 'interp.lin below the first point');
    close(values('row'), [5, 9], '2 * B[2, ] + 1');
    close(values('th'), [Math.tanh(0.5) + Math.PI / 2 + 1 + Math.atanh(0.5)], 'trigonometric and hyperbolic');
  });

  it('reports a right-hand side of the wrong size, and non-conformable products, at the statement', () => {
    const wrongSize = 'model {\n Sigma[1:3, 1:3] <- inverse(Omega[,])\n a ~ dnorm(0, 1)\n}\ndata list(Omega = structure(c(2, 0.5, 0.5, 1), .Dim = c(2, 2)))';
    const p = singleProblem(wrongSize, () => compile(wrongSize));
    assert.match(p.message, /Sigma\[1:3,1:3\] has 9 element\(s\) but the right-hand side gives 2 × 2 = 4/);
    assert.equal(textOf(wrongSize, p.range), 'Sigma[1:3, 1:3] <- inverse(Omega[,])');
    const product = 'model {\n m[1:2] <- B[,] %*% v[]\n a ~ dnorm(0, 1)\n}\ndata list(B = structure(c(1, 2, 3, 4), .Dim = c(2, 2)), v = c(1, 2, 3))';
    assert.match(singleProblem(product, () => compile(product)).message, /%\*% needs conformable arguments, got 2 × 2 and 3/);
    const scalar = 'model {\n m <- inverse(B[,])\n a ~ dnorm(0, 1)\n}\ndata list(B = structure(c(1, 2, 3, 4), .Dim = c(2, 2)))';
    assert.match(singleProblem(scalar, () => compile(scalar)).message, /gives a 2 × 2 array where one value is expected/);
  });

  /**
   * x ~ N(0, I₂), y ~ N(B x, Ω⁻¹) with mu[1:2] <- B[,] %*% x[]: the posterior
   * of x is normal with precision P = I + BᵀΩB and mean P⁻¹BᵀΩy. With
   * B = [1 3; 2 4], Ω = [2 .5; .5 1], y = (1, 2): BᵀΩ = [3 2.5; 8 5.5],
   * P = [9 19; 19 47], BᵀΩy = (8, 19), det P = 62,
   * E[x] = (47·8 − 19·19, 9·19 − 19·8) / 62 = (15, 19) / 62, Var x₁ = 47 / 62,
   * Var x₂ = 9 / 62. Tolerance: posteriorCheck's 4 batch-means SEs.
   */
  it('samples a regression whose mean vector is a matrix product, to its closed-form posterior', () => {
    const posterior = samplePosterior(`model {
  mu[1:2] <- B[,] %*% x[]
  y[1:2] ~ dmnorm(mu[], Omega[,])
  for (i in 1:2) { x[i] ~ dnorm(0, 1) }
}
data list(B = structure(c(1, 2, 3, 4), .Dim = c(2, 2)), Omega = structure(c(2, 0.5, 0.5, 1), .Dim = c(2, 2)), y = c(1, 2))
sample with gibbs(monitor = c(x))`, { chains: 2, burnin: 500, iterations: 5000, seed: 7 });
    assertMeanAndVariance(posterior, 'x[1]', 15 / 62, 47 / 62);
    assertMeanAndVariance(posterior, 'x[2]', 19 / 62, 9 / 62);
  });
});

describe('data { } blocks of any shape', () => {
  /** JAGS 4.3 accepts both forms (r[j, 1:3] <- ..., and var r[2, 3] with r[j, ] <- ...) and rejects r[j, ] without a size. */
  it('builds data arrays by whole rows, with a range or a declared size', () => {
    for (const [head, target] of [['', 'r[j, 1:3]'], ['var r[2, 3];\n', 'r[j, ]']]) {
      const g = compile(`${head}data {
  for (j in 1:2) { ${target} <- response[3 - j, ] }
  total <- sum(response[,])
  scaled[1:2, 1:3] <- response[,] / total
}
model {
  for (j in 1:2) { for (k in 1:3) { r[j, k] ~ dpois(lambda) } }
  lambda ~ dgamma(1, 1)
}
data list(response = structure(c(1, 2, 3, 4, 5, 6), .Dim = c(2, 3)))`);
      // response = [1 3 5; 2 4 6]: r's first row is response's second.
      close(g.variables.get('r')!.values, [2, 4, 6, 1, 3, 5], `r (${target})`);
      close(g.variables.get('scaled')!.values, [1, 3, 5, 2, 4, 6].map((x) => x / 21), 'scaled');
      assert.equal(g.stochastic.filter((n) => n.observed).length, 6);
    }
  });

  it('says that an undeclared array defined by whole rows needs a size, instead of failing inside', () => {
    const source = 'data {\n  for (j in 1:2) { r[j, ] <- response[j, ] }\n}\nmodel {\n  lambda ~ dgamma(1, 1)\n}\ndata list(response = structure(c(1, 2, 3, 4), .Dim = c(2, 2)))';
    const p = singleProblem(source, () => compile(source));
    assert.match(p.message, /The size of r is unknown, so r cannot be defined with an empty index; give its size with 'var r\[\.\.\.\]' or as data\./);
    assert.equal(textOf(source, p.range), 'r[j, ]');
  });

  it('reports a data block value that reads a model node', () => {
    const source = 'data {\n  z[1:2] <- c2[] * lambda\n}\nmodel {\n  lambda ~ dgamma(1, 1)\n}\ndata list(c2 = c(1, 2))';
    assert.match(singleProblem(source, () => compile(source)).message, /lambda/);
  });
});
