import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeConditional } from '../../../src/engine/inference/conditionals';
import { ConjugateSampler } from '../../../src/engine/inference/conjugateSamplers';
import { assignSamplers } from '../../../src/engine/inference/gibbs';
import { RatingScalarSampler } from '../../../src/engine/inference/ratingScalars';
import type { Sampler } from '../../../src/engine/inference/samplers';
import { Random } from '../../../src/engine/random/rng';
import { compileWithInits } from './helpers';

/*
 * The global mean and the rating precision of a matrix factorisation
 * (inference/ratingScalars.ts) are drawn from their conjugate conditionals
 * with residual sums taken in one pass over typed arrays. Checked draw for
 * draw against the generic conjugate sampler (same conditional, same random
 * stream: equal to rounding), and that the sampler declines what it does not
 * serve: a term that varies from rating to rating, a missing rating, a
 * precision that is not the scalar itself.
 */

const USERS = 5;
const ITEMS = 7;
const PAIRS: Array<[number, number]> = [];
for (let u = 1; u <= USERS; u++) for (let j = 1; j <= ITEMS; j++) if ((u * j) % 4 !== 1) PAIRS.push([u, j]);
const RATINGS = PAIRS.map(([u, j], n) => 3 + Math.sin(2 * u + 3 * j) + 0.05 * (n % 7));
const vector = (xs: Array<number | string>): string => `c(${xs.join(', ')})`;

function model(mean: string, precision = 'tau', ratings: Array<number | string> = RATINGS): string {
  return `model {
  for (n in 1:N) { r[n] ~ dnorm(${mean}, ${precision}) }
  for (i in 1:Nu) { U[i, 1:2] ~ dmnorm(m0[], P0[, ]) }
  for (j in 1:Ni) { V[j, 1:2] ~ dmnorm(m0[], P0[, ]) }
  for (i in 1:Nu) { b[i] ~ dnorm(0, 1) }
  mu ~ dnorm(1, 0.5)
  tau ~ dgamma(2, 1.5)
  sigma2 ~ dgamma(1, 1)
}
data list(N = ${PAIRS.length}, Nu = ${USERS}, Ni = ${ITEMS}, user = ${vector(PAIRS.map((p) => p[0]))}, item = ${vector(PAIRS.map((p) => p[1]))},
  r = ${vector(ratings)}, m0 = c(0, 0), P0 = structure(c(1, 0, 0, 1), .Dim = c(2, 2)))
`;
}

const labelsOf = (source: string): Map<string, string> => new Map(assignSamplers(compileWithInits(source)).flatMap((s) => s.nodes.map((n) => [n.name, s.label] as [string, string])));

describe('rating scalars sampler', () => {
  for (const mean of ['mu + inprod(U[user[n], ], V[item[n], ])', '0.5 + inprod(V[item[n], ], U[user[n], ]) + mu']) {
    it(`equals the generic conjugate sampler draw for draw (mean ${mean})`, () => {
      const source = model(mean);
      const [fastGraph, slowGraph] = [compileWithInits(source), compileWithInits(source)];
      const fast = assignSamplers(fastGraph);
      assert.deepEqual(fast.filter((s) => s instanceof RatingScalarSampler).map((s) => s.nodes[0]!.name), ['mu', 'tau']);
      // The same order of updates with each of them replaced by the generic conjugate sampler.
      const slow: Sampler[] = assignSamplers(slowGraph).map((s) => {
        if (!(s instanceof RatingScalarSampler)) return s;
        const conditional = analyzeConditional(slowGraph, slowGraph.stochastic[s.nodes[0]!.id]!);
        assert.ok(conditional, `${s.nodes[0]!.name} is conjugate`);
        return new ConjugateSampler(slowGraph, conditional);
      });
      const [a, b] = [new Random(5), new Random(5)];
      for (let sweep = 0; sweep < 40; sweep++) {
        for (const s of fast) s.update(a);
        for (const s of slow) s.update(b);
      }
      for (const name of ['mu', 'tau', 'U', 'V']) {
        const x = fastGraph.variables.get(name)!.values, y = slowGraph.variables.get(name)!.values;
        for (let k = 0; k < x.length; k++) assert.ok(Math.abs(x[k]! - y[k]!) < 1e-9 * (1 + Math.abs(y[k]!)), `${name}[${k}]: ${x[k]} vs ${y[k]}`);
      }
    });
  }

  it('declines a mean term that varies from rating to rating, for the mean but not the precision', () => {
    const labels = labelsOf(model('mu + b[user[n]] + inprod(U[user[n], ], V[item[n], ])'));
    assert.equal(labels.get('mu'), 'conjugate normal');
    assert.equal(labels.get('tau'), 'conjugate gamma');
  });

  it('declines a precision that is not the scalar itself, and a missing rating', () => {
    const scaled = labelsOf(model('mu + inprod(U[user[n], ], V[item[n], ])', '2 * sigma2'));
    assert.equal(scaled.get('sigma2'), 'conjugate gamma');
    assert.equal(scaled.get('mu'), 'conjugate normal (factor ratings)');
    const missing = labelsOf(model('mu + inprod(U[user[n], ], V[item[n], ])', 'tau', RATINGS.map((r, n) => (n === 3 ? 'NA' : r))));
    assert.equal(missing.get('mu'), 'conjugate normal');
    assert.equal(missing.get('tau'), 'conjugate gamma');
  });
});
