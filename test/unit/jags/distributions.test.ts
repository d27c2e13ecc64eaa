import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DISTRIBUTION_CATALOG, FUNCTION_CATALOG } from '../../../src/engine/language/catalog';
import { ARRAY_FUNCTIONS } from '../../../src/engine/model/arrayFunctions';
import { SCALAR_DISTRIBUTIONS } from '../../../src/engine/model/distributions';
import { FUNCTIONS } from '../../../src/engine/model/functions';
import { MORE_SCALAR_DISTRIBUTIONS } from '../../../src/engine/model/moreDistributions';
import { MORE_MULTIVARIATE_DISTRIBUTIONS } from '../../../src/engine/model/moreMultivariate';
import { MULTIVARIATE_DISTRIBUTIONS } from '../../../src/engine/model/multivariate';
import { compile } from '../engine/helpers';
import { drawsOf, estimate, samplePosterior } from '../engine/posteriorCheck';

const more = MORE_SCALAR_DISTRIBUTIONS;
const at = (...p: number[]): Float64Array => Float64Array.from(p);

describe('the rest of the bugs module: distributions', () => {
  /** R 4 (stats): log(df(1.3, 3, 7)), log(dchisq(2.5, 3, ncp = 1.7)), log(dchisq(40, 5, ncp = 30)), log(dhyper(2, 5, 4, 4)), log(dgamma(1.7, 2.3, 0.8)). */
  it('match R densities: F, non-central chi-squared, central hypergeometric; dgen.gamma with b = 1 is dgamma', () => {
    const close = (got: number, want: number, what: string): void => assert.ok(Math.abs(got - want) < 1e-10, `${what}: ${got} vs ${want}`);
    close(more.df!.logDensity(1.3, at(3, 7)), -1.25616539360987, 'df');
    close(more.dnchisqr!.logDensity(2.5, at(3, 1.7)), -1.93217372800411, 'dnchisqr');
    close(more.dnchisqr!.logDensity(40, at(5, 30)), -3.55711959359157, 'dnchisqr far from the centre');
    close(more.dhyper!.logDensity(2, at(5, 4, 4, 1)), -0.741937344729377, 'dhyper, psi = 1');
    close(more['dgen.gamma']!.logDensity(1.7, at(2.3, 0.8, 1)), -1.33760289660149, 'dgen.gamma(r, lambda, 1) = dgamma(r, lambda)');
    // choose(10, 3) B(5.5, 8.5) / B(2.5, 1.5), computed in R.
    close(more.dbetabin!.logDensity(3, at(2.5, 1.5, 10)), -2.62973204903128, 'dbetabin');
  });

  it('sum to one over their support (discrete) or integrate to one (continuous, by the trapezoid rule on a fine grid)', () => {
    const sum = (f: (x: number) => number, from: number, to: number): number => {
      let s = 0;
      for (let x = from; x <= to; x++) s += Math.exp(f(x));
      return s;
    };
    assert.ok(Math.abs(sum((x) => more.dhyper!.logDensity(x, at(5, 4, 4, 2.5)), 0, 4) - 1) < 1e-12, 'dhyper with psi = 2.5');
    assert.ok(Math.abs(sum((x) => more.dbetabin!.logDensity(x, at(0.7, 2, 12)), 0, 12) - 1) < 1e-12, 'dbetabin');
    const integral = (f: (x: number) => number, to: number): number => {
      const n = 200000, h = to / n;
      let s = 0;
      for (let k = 1; k < n; k++) s += Math.exp(f(k * h));
      return s * h;
    };
    assert.ok(Math.abs(integral((x) => more['dgen.gamma']!.logDensity(x, at(2.3, 0.8, 1.5)), 40) - 1) < 1e-6, 'dgen.gamma');
    // k = 3: the density rises like √x from 0, where the rule's error is O(h^1.5): about 1e-6 with h = 0.001.
    assert.ok(Math.abs(integral((x) => more.dnchisqr!.logDensity(x, at(3, 1.7)), 200) - 1) < 1e-5, 'dnchisqr');
  });

  it('dmnorm.vcov(mu, Sigma) is dmnorm(mu, inverse(Sigma)); dmt in one dimension is dt', () => {
    const sigma = at(2, 0.5, 0.5, 1);
    const omega = at(1 / 1.75, -0.5 / 1.75, -0.5 / 1.75, 2 / 1.75);
    const x = at(0.3, -1.2);
    const vcov = MORE_MULTIVARIATE_DISTRIBUTIONS['dmnorm.vcov']!.logDensity(x, at(1, -1, ...sigma), 2);
    const precision = MULTIVARIATE_DISTRIBUTIONS.dmnorm!.logDensity(x, at(1, -1, ...omega), 2);
    assert.ok(Math.abs(vcov - precision) < 1e-12, `${vcov} vs ${precision}`);
    const t1 = MORE_MULTIVARIATE_DISTRIBUTIONS.dmt!.logDensity(at(0.7), at(0.2, 1.9, 5), 1);
    const t = SCALAR_DISTRIBUTIONS.dt!.logDensity(0.7, at(0.2, 1.9, 5));
    assert.ok(Math.abs(t1 - t) < 1e-12, `${t1} vs ${t}`);
  });

  /**
   * Prior draws through the engine's samplers against JAGS 4.3 on the same
   * model (`jags s.cmd`: 2 chains, update 1000, then 50,000 monitored;
   * [mean, sd, batch-means SE]): f 1.3996 ± 0.0057, g 2.0738 ± 0.0029,
   * c 4.7150 ± 0.0125, h 2.6445 ± 0.0020, m 1.0011 / −0.9966, t 1.0016 / −0.9982
   * (closed forms: E f = 7/5, E c = k + delta = 4.7, E m = E t = mu).
   * Agreement: |mean − JAGS| ≤ 4·√(SE² + SE_JAGS²), as in pedigree.test.ts.
   */
  it('sample as JAGS does: df, dgen.gamma, dnchisqr, dhyper, dmnorm.vcov, dmt', () => {
    const posterior = samplePosterior(`model {
  f ~ df(3, 7)
  g ~ dgen.gamma(2.3, 0.8, 1.5)
  c ~ dnchisqr(3, 1.7)
  h ~ dhyper(5, 4, 4, 2)
  m[1:2] ~ dmnorm.vcov(mu[], S[,])
  t[1:2] ~ dmt(mu[], S[,], 5)
}
data list(mu = c(1, -1), S = structure(c(2, 0.5, 0.5, 1), .Dim = c(2, 2)))`, { chains: 2, burnin: 500, iterations: 10000, seed: 5 });
    const jags: Record<string, [number, number]> = {
      f: [1.3996, 0.0057], g: [2.0738, 0.0029], c: [4.7150, 0.0125], h: [2.6445, 0.0020],
      'm[1]': [1.0011, 0.0043], 'm[2]': [-0.9966, 0.0033], 't[1]': [1.0016, 0.0029], 't[2]': [-0.9982, 0.0042],
    };
    for (const [node, [mean, se]] of Object.entries(jags)) {
      const got = estimate(drawsOf(posterior, node));
      const allowed = 4 * Math.hypot(got.standardError, se);
      assert.ok(Math.abs(got.value - mean) <= allowed, `${node}: ${got.value} vs JAGS ${mean} (allowed ±${allowed})`);
    }
  });

  it('takes I(lower, upper) as T(lower, upper) where the bounds are fixed, as JAGS accepts it', () => {
    const withI = compile('model {\n  x ~ dnorm(0, 1) I(0, 2)\n}');
    const withT = compile('model {\n  x ~ dnorm(0, 1) T(0, 2)\n}');
    assert.equal(withI.stochastic[0]!.lower!(), withT.stochastic[0]!.lower!());
    assert.equal(withI.stochastic[0]!.upper!(), 2);
  });

  it('describes every distribution and function the engine knows in the catalog (hover text)', () => {
    const distributions = [...Object.keys(SCALAR_DISTRIBUTIONS), ...Object.keys(MORE_SCALAR_DISTRIBUTIONS), ...Object.keys(MULTIVARIATE_DISTRIBUTIONS), ...Object.keys(MORE_MULTIVARIATE_DISTRIBUTIONS)];
    for (const name of distributions) assert.ok(DISTRIBUTION_CATALOG.get(name)?.description, name);
    for (const name of [...Object.keys(FUNCTIONS), ...Object.keys(ARRAY_FUNCTIONS).filter((n) => !n.startsWith('%'))]) assert.ok(FUNCTION_CATALOG.get(name)?.description, name);
  });
});
