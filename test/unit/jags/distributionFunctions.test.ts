import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FUNCTION_CATALOG } from '../../../src/engine/language/catalog';
import { DISTRIBUTION_FUNCTIONS } from '../../../src/engine/model/distributionFunctions';
import { FUNCTIONS } from '../../../src/engine/model/functions';
import { compile, singleProblem, textOf } from '../engine/helpers';
import { drawsOf, estimate, samplePosterior } from '../engine/posteriorCheck';

const call = (name: string, ...args: number[]): number => FUNCTIONS[name]!.evaluate(Float64Array.from(args), args.length);

/**
 * JAGS 4.3's own values, each from a one-line model `model { y <- f(args) }`
 * run as `jags s.cmd` (compile, initialize, monitor y, update 1, coda *),
 * printed by JAGS to 6 significant figures.
 */
const JAGS_FIGURES: Array<[string, number[], number]> = [
  ['dnorm', [1, 0, 1], 0.241971], ['pnorm', [1, 0, 1], 0.841345], ['qnorm', [0.3, 0, 1], -0.524401],
  ['dbeta', [0.3, 2, 3], 1.764], ['pbeta', [0.3, 2, 3], 0.3483], ['qbeta', [0.3, 2, 3], 0.272384],
  ['dbin', [2, 0.3, 5], 0.3087], ['pbin', [2, 0.3, 5], 0.83692], ['qbin', [0.3, 0.3, 5], 1],
  ['dchisqr', [1, 3], 0.241971], ['pchisqr', [2, 3], 0.427593], ['qchisqr', [0.4, 3], 1.86917],
  ['ddexp', [1, 0, 1], 0.18394], ['pdexp', [1, 0, 1], 0.81606], ['qdexp', [0.3, 0, 1], -0.510826],
  ['dexp', [1, 2], 0.270671], ['pexp', [1, 2], 0.864665], ['qexp', [0.3, 2], 0.178337],
  ['df', [1, 2, 3], 0.278855], ['pf', [1, 2, 3], 0.535242], ['qf', [0.3, 2, 3], 0.402651],
  ['dgamma', [1, 2, 3], 0.448084], ['pgamma', [1, 2, 3], 0.800852], ['qgamma', [0.3, 2, 3], 0.365783],
  ['dgen.gamma', [1, 2, 3, 1.5], 0.224282], ['pgen.gamma', [1, 2, 3, 1.5], 0.965687], ['qgen.gamma', [0.3, 2, 3, 1.5], 0.35463],
  ['dhyper', [1, 3, 4, 3, 1], 0.514286], ['phyper', [1, 3, 4, 3, 1], 0.628571], ['qhyper', [0.3, 3, 4, 3, 1], 1],
  ['dlogis', [1, 0, 1], 0.196612], ['plogis', [1, 0, 1], 0.731059], ['qlogis', [0.3, 0, 1], -0.847298],
  ['dlnorm', [1, 0, 1], 0.398942], ['plnorm', [1, 0, 1], 0.5], ['qlnorm', [0.3, 0, 1], 0.59191],
  ['dnegbin', [2, 0.3, 3], 0.07938], ['pnegbin', [2, 0.3, 3], 0.16308], ['qnegbin', [0.3, 0.3, 3], 4],
  ['dnchisqr', [2, 3, 1], 0.172252], ['pnchisqr', [2, 3, 1], 0.308253], ['qnchisqr', [0.3, 3, 1], 1.9522],
  ['dpar', [2, 2, 1], 0.25], ['ppar', [2, 2, 1], 0.75], ['qpar', [0.3, 2, 1], 1.19523],
  ['dpois', [2, 3], 0.224042], ['ppois', [2, 3], 0.42319], ['qpois', [0.3, 3], 2],
  ['dt', [1, 0, 1, 3], 0.206748], ['pt', [1, 0, 1, 3], 0.804499], ['qt', [0.3, 0, 1, 3], -0.58439],
  ['dweib', [1, 2, 3], 0.298722], ['pweib', [1, 2, 3], 0.950213], ['qweib', [0.3, 2, 3], 0.344807],
];

/**
 * R 4's d/p/q functions at full precision, with JAGS's precision turned into
 * R's sd = 1/sqrt(tau) and JAGS's Weibull rate into R's scale rate^(−1/v):
 * Rscript -e 'options(digits=15); cat(pnorm(1.3, 0.5, 1/sqrt(2)), qnorm(0.2, 0.5, 1/sqrt(2)), dnorm(1.3,0.5,1/sqrt(2)),
 *   pgamma(2.5, 3, 1.5), qgamma(0.7, 3, 1.5), pbeta(0.4, 2.5, 1.5), qbeta(0.9, 2.5, 1.5), pt((1.7-0.2)*sqrt(4), 5),
 *   qt(0.95, 5)/sqrt(4)+0.2, pbinom(3, 10, 0.35), qbinom(0.5, 10, 0.35), dbinom(3,10,0.35), ppois(4, 2.5), qpois(0.9, 2.5),
 *   pnbinom(4, 3, 0.4), pf(1.8, 4, 7), pchisq(3.2, 5, ncp=2), plnorm(2, 0.3, 1/sqrt(3)), pweibull(0.8, 2, 1.5^(-1/2)),
 *   dexp(0.5, 1.2), plogis(0.7, 0.2, 1/2), phyper(2, 5, 6, 4), sep="\n")'
 */
const R_FIGURES: Array<[string, number[], number]> = [
  ['pnorm', [1.3, 0.5, 2], 0.87105048235383], ['qnorm', [0.2, 0.5, 2], -0.0951160814499948], ['dnorm', [1.3, 0.5, 2], 0.297492893128734],
  ['pgamma', [2.5, 3, 1.5], 0.722931556633893], ['qgamma', [0.7, 3, 1.5], 2.41037844391066],
  ['pbeta', [0.4, 2.5, 1.5], 0.17392765793651], ['qbeta', [0.9, 2.5, 1.5], 0.898462674452491],
  ['pt', [1.7, 0.2, 4, 5], 0.984950376051269], ['qt', [0.95, 0.2, 4, 5], 1.20752418666651],
  ['pbin', [3, 0.35, 10], 0.513827016355859], ['qbin', [0.5, 0.35, 10], 3], ['dbin', [3, 0.35, 10], 0.252219624972656],
  ['ppois', [4, 2.5], 0.891178018914151], ['qpois', [0.9, 2.5], 5], ['pnegbin', [4, 0.4, 3], 0.580096],
  ['pf', [1.8, 4, 7], 0.766631727080882], ['pnchisqr', [3.2, 5, 2], 0.179949030720908], ['plnorm', [2, 0.3, 3], 0.752048717724046],
  ['pweib', [0.8, 2, 1.5], 0.617107114024888], ['dexp', [0.5, 1.2], 0.658573963312832], ['plogis', [0.7, 0.2, 2], 0.731058578630005],
  ['phyper', [2, 5, 6, 4, 1], 0.803030303030303],
];

describe("JAGS's density, distribution and quantile functions", () => {
  it('agree with JAGS 4.3 on every family JAGS provides them for (18 families, 54 functions)', () => {
    assert.equal(DISTRIBUTION_FUNCTIONS.size, 54);
    for (const [name, args, want] of JAGS_FIGURES) {
      const got = call(name, ...args);
      assert.ok(Math.abs(got - want) <= 5e-6 * Math.max(1, Math.abs(want)), `${name}(${args.join(', ')}) = ${got}, JAGS ${want}`);
    }
    const named = new Set(JAGS_FIGURES.map(([n]) => n));
    for (const name of DISTRIBUTION_FUNCTIONS.keys()) assert.ok(named.has(name), `${name} is checked against JAGS`);
  });

  it("agree with R's d/p/q functions to 1e-9, in JAGS's parameterisation", () => {
    for (const [name, args, want] of R_FIGURES) {
      const got = call(name, ...args);
      assert.ok(Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)), `${name}(${args.join(', ')}) = ${got}, R ${want}`);
    }
  });

  it('invert: q(p(x)) = x for the continuous families, and the quantile of a count is the smallest with P(X ≤ k) ≥ p', () => {
    const continuous: Array<[string, number[], number[]]> = [
      ['norm', [0.5, 2], [-2, 0.1, 3]], ['lnorm', [0.3, 3], [0.2, 1, 5]], ['gamma', [3, 1.5], [0.1, 2, 9]], ['chisqr', [4], [0.5, 3, 12]],
      ['gen.gamma', [2, 3, 1.5], [0.1, 0.6, 1.4]], ['nchisqr', [3, 2], [0.5, 4, 15]], ['exp', [1.2], [0.01, 1, 4]], ['weib', [2, 1.5], [0.1, 0.8, 2]],
      ['par', [2, 1], [1.1, 2, 10]], ['logis', [0.2, 2], [-3, 0, 2]], ['dexp', [0.2, 2], [-1, 0.2, 1.5]], ['beta', [2.5, 1.5], [0.05, 0.5, 0.97]],
      ['t', [0.2, 4, 5], [-2, 0.2, 3]], ['f', [4, 7], [0.1, 1, 5]],
    ];
    for (const [stem, params, xs] of continuous) {
      for (const x of xs) {
        const back = call(`q${stem}`, call(`p${stem}`, x, ...params), ...params);
        assert.ok(Math.abs(back - x) <= 1e-7 * Math.max(1, Math.abs(x)), `q${stem}(p${stem}(${x})) = ${back}`);
      }
    }
    const counts: Array<[string, number[]]> = [['pois', [2.5]], ['bin', [0.35, 10]], ['negbin', [0.4, 3]], ['hyper', [5, 6, 4, 1.7]]];
    for (const [stem, params] of counts) {
      for (const u of [0.01, 0.3, 0.5, 0.9, 0.999]) {
        const k = call(`q${stem}`, u, ...params);
        assert.ok(call(`p${stem}`, k, ...params) >= u && (k === 0 || call(`p${stem}`, k - 1, ...params) < u), `q${stem}(${u}) = ${k}`);
      }
    }
    assert.equal(call('qnorm', 1, 0, 1), Infinity);
    assert.equal(call('qexp', 0, 2), 0);
  });

  it('are in the function catalogue with their parameters in the hover, and the checker counts their arguments', () => {
    for (const name of DISTRIBUTION_FUNCTIONS.keys()) assert.ok(FUNCTION_CATALOG.has(name), name);
    const pnorm = FUNCTION_CATALOG.get('pnorm')!;
    assert.deepEqual(pnorm.arity, [3, 3]);
    assert.match(pnorm.signature, /pnorm\(q, mu, tau\)/);
    assert.match(pnorm.description, /precision/);
    for (const absent of ['dbern', 'punif', 'qcat', 'dbetabin', 'psum']) assert.ok(!FUNCTION_CATALOG.has(absent), `${absent} is not a JAGS function`);
  });

  it('give a message with the call\'s range outside their domain, never a silent NaN', () => {
    const cases: Array<[string, RegExp]> = [
      ['q <- pnorm(1, 0, -2)', /pnorm\(\): .*> 0, got -2/],
      ['q <- qnorm(1.5, 0, 1)', /qnorm\(\): the probability must lie in \[0, 1\], got 1\.5/],
      ['q <- qbeta(0.5, 0, 1)', /qbeta\(\): .*> 0, got 0/],
      ['q <- dbin(2, 1.5, 10)', /dbin\(\): .*\[0, 1\], got 1\.5/],
    ];
    // A value not known yet (a node before its initial value) is missing, not an error: the result is missing too.
    assert.ok(Number.isNaN(call('pnorm', Number.NaN, 0, 1)) && FUNCTIONS.pnorm!.domainProblem!(Float64Array.of(Number.NaN, 0, 1)) === undefined);
    for (const [line, message] of cases) {
      const text = `model {\n  ${line}\n  a ~ dnorm(0, 1)\n}`;
      const problem = singleProblem(text, () => compile(text));
      assert.match(problem.message, message);
      assert.match(textOf(text, problem.range), /^[dpq][a-z.]+\(/);
    }
  });

  it('evaluate in data blocks and element by element over vectors', () => {
    const g = compile(`data { for (i in 1:3) { u[i] <- pexp(x[i], 2) } }
model {
  v[1:3] <- qexp(u[], 2)
  a ~ dnorm(0, 1)
}
data list(x = c(0.1, 1, 3))`);
    assert.deepEqual([...g.variables.get('u')!.values].map((v) => Number(v.toFixed(12))), [0.1, 1, 3].map((x) => Number((1 - Math.exp(-2 * x)).toFixed(12))));
    const v = g.variables.get('v')!.values;
    [0.1, 1, 3].forEach((x, k) => assert.ok(Math.abs(v[k]! - x) < 1e-12, `v[${k + 1}] = ${v[k]}`));
  });

  /**
   * The same model through JAGS 4.3 (`jags s2.cmd`: data y = 5, update 1000,
   * monitor p0, q0, p, update 4000, coda *) gives p0 = 0.23975 and q0 = 0,
   * and a posterior mean of p of 0.2616 from one chain of 4000 draws.
   */
  it('a probit-style link p = pnorm(0, mu, tau) samples, with pnorm and qnorm as JAGS evaluates them', () => {
    const model = `model {
  mu ~ dnorm(0, 1)
  p <- pnorm(0, mu, 2)
  y ~ dbin(p, 20)
  p0 <- pnorm(0, 0.5, 2)
  q0 <- qnorm(p0, 0.5, 2)
}
data list(y = 5)`;
    const g = compile(model);
    assert.ok(Math.abs(g.variables.get('p0')!.values[0]! - 0.23975) < 5e-6);
    assert.ok(Math.abs(g.variables.get('q0')!.values[0]!) < 1e-12);
    const posterior = samplePosterior(`${model}\nsample with gibbs(monitor = c(mu, p))`, { chains: 2, burnin: 500, iterations: 4000, seed: 11 });
    const mu = drawsOf(posterior, 'mu');
    const p = drawsOf(posterior, 'p');
    for (let c = 0; c < mu.length; c++) {
      for (let t = 0; t < mu[c]!.length; t += 97) assert.ok(Math.abs(p[c]![t]! - call('pnorm', 0, mu[c]![t]!, 2)) < 1e-12);
    }
    // Tolerance: 4 batch-means standard errors of our mean, plus JAGS's own Monte-Carlo error (sd of p ≈ 0.09, ESS ≥ 1000: ≤ 0.003 → 4 × 0.003).
    const e = estimate(p);
    assert.ok(Math.abs(e.value - 0.2616) <= 4 * e.standardError + 0.012, `posterior mean of p ${e.value} ± ${e.standardError} vs JAGS 0.2616`);
  });
});
