import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDocument } from '../../../src/engine/language/parser';
import type { NamedValues } from '../../../src/engine/language/rvalues';
import { ModelError } from '../../../src/engine/language/source';
import { calibrate, type CalibrationSettings, type SamplerAdjustment } from '../../../src/engine/sbc/calibrate';
import { readRequest } from '../../../src/engine/job/job';

/**
 * Simulation-based calibration of every sampler family the engine has, one
 * case per family: each case's model is built so that the family's sampler
 * updates the nodes under test (the test checks the label), and every node's
 * rank histogram must pass the χ² uniformity test.
 *
 * Settings: 500 simulations, 99 kept draws (100 possible ranks), 10 bins, so
 * 50 expected per bin. Under a correct sampler each node's p-value is uniform
 * on (0, 1); a case fails when one is below 1e-3, which for the whole suite
 * (about 40 nodes) happens with probability about 4 % for an arbitrary seed.
 * The seeds are fixed, so the outcome is reproducible. A wrong sampler gives
 * p-values far below that: the deliberately broken sampler below gets p < 1e-8.
 * The p-values are printed (test diagnostics) for the report.
 */
const SETTINGS: CalibrationSettings = { simulations: 500, draws: 99, bins: 10, burnin: 100, thin: 2, seed: 20180101 };
const PASS_LEVEL = 1e-3;

interface Family {
  name: string;
  /** A cell: model and data (the data's observed values are replaced by simulations; their shape counts). */
  source: string;
  /** Sampler label → the nodes that must get it. */
  expects: Record<string, string[]>;
  settings?: Partial<CalibrationSettings>;
}

const FAMILIES: Family[] = [
  {
    name: 'conjugate normal (mean) and conjugate gamma (precision)',
    source: `model {
  for (i in 1:N) { y[i] ~ dnorm(mu, tau) }
  mu ~ dnorm(0, 0.5)
  tau ~ dgamma(3, 2)
}
data list(N = 6, y = c(0, 0, 0, 0, 0, 0))`,
    expects: { 'conjugate normal': ['mu'], 'conjugate gamma': ['tau'] },
  },
  {
    name: 'block normal (regression coefficients with the same children, mean linear in them)',
    source: `model {
  for (i in 1:N) { y[i] ~ dnorm(alpha + beta * x[i], 2) }
  alpha ~ dnorm(0, 0.5)
  beta ~ dnorm(1, 2)
}
data list(N = 6, x = c(-1.5, -0.5, 0, 0.5, 1, 2), y = c(0, 0, 0, 0, 0, 0))`,
    expects: { 'block normal (2)': ['alpha', 'beta'] },
  },
  {
    name: 'conjugate gamma (Poisson rate with exposures; exponential priors of exponential rates, through an index)',
    source: `model {
  for (i in 1:N) { y[i] ~ dpois(lambda * t[i]) }
  lambda ~ dgamma(2, 0.5)
  for (j in 1:2) { w[j] ~ dexp(2) }
  for (i in 1:N) { z[i] ~ dexp(w[g[i]]) }
}
data list(N = 4, t = c(1, 2, 0.5, 3), y = c(0, 0, 0, 0), g = c(1, 1, 2, 2), z = c(1, 1, 1, 1))`,
    expects: { 'conjugate gamma': ['lambda', 'w[1]', 'w[2]'] },
  },
  {
    name: 'conjugate beta (binomial and Bernoulli children)',
    source: `model {
  q ~ dbeta(2, 3)
  for (i in 1:N) { y[i] ~ dbin(q, m[i]) }
  r ~ dbeta(0.5, 0.5)
  for (i in 1:N) { b[i] ~ dbern(r) }
}
data list(N = 4, m = c(3, 10, 1, 5), y = c(0, 0, 0, 0), b = c(0, 0, 0, 0))`,
    expects: { 'conjugate beta': ['q', 'r'] },
  },
  {
    name: 'conjugate truncated normal (truncated prior; values censored by dinterval)',
    source: `model {
  mu ~ dnorm(0, 1) T(-0.5, 2)
  for (i in 1:N) { y[i] ~ dnorm(mu, 2) }
  for (i in 1:M) {
    censored[i] ~ dinterval(t[i], cut[])
    t[i] ~ dnorm(nu, 1)
  }
  nu ~ dnorm(0, 1)
}
data list(N = 3, y = c(0, 0, 0), M = 4, cut = c(-0.5, 0.5), censored = c(0, 0, 0, 0), t = c(NA, NA, NA, NA))`,
    expects: { 'conjugate truncated normal': ['mu', 't[1]', 't[4]'] },
  },
  {
    name: 'block normal, scale-expanded (probit coefficients by augmentation: z rescaled, then the block drawn)',
    source: `model {
  for (i in 1:N) {
    z[i] ~ dnorm(b1 * x1[i] + b2 * x2[i], 1)
    y[i] ~ dinterval(z[i], 0)
  }
  b1 ~ dnorm(0, 1)
  b2 ~ dnorm(0, 1)
}
data list(N = 8, x1 = c(-1.2, -0.5, -0.1, 0.3, 0.6, 1.1, 1.5, -0.8), x2 = c(0.5, 1.2, -0.4, -1.3, 0.8, -0.2, 0.4, -0.9), y = c(0, 0, 0, 0, 0, 0, 0, 0))`,
    expects: { 'block normal (2), scale-expanded': ['b1', 'b2'], 'conjugate truncated normal': ['z[1]', 'z[8]'] },
  },
  {
    name: 'finite enumeration (categorical labels of a mixture with known components)',
    source: `model {
  for (i in 1:N) {
    z[i] ~ dcat(pi[])
    y[i] ~ dnorm(m[z[i]], 1)
  }
}
data list(N = 3, pi = c(0.2, 0.5, 0.3), m = c(-1, 0, 2), y = c(0, 0, 0))`,
    expects: { 'finite enumeration': ['z[1]', 'z[2]', 'z[3]'] },
  },
  {
    name: 'conjugate Dirichlet (categorical children)',
    source: `model {
  p[1:3] ~ ddirch(alpha[])
  for (i in 1:N) { y[i] ~ dcat(p[]) }
}
data list(N = 8, alpha = c(1, 2, 0.5), y = c(1, 1, 1, 1, 1, 1, 1, 1))`,
    expects: { 'conjugate dirichlet': ['p[1]', 'p[2]', 'p[3]'] },
  },
  {
    name: 'conjugate multivariate normal (dmnorm mean of dmnorm children)',
    source: `model {
  x[1:2] ~ dmnorm(m[], P[,])
  for (i in 1:N) { y[i, 1:2] ~ dmnorm(x[], Q[,]) }
}
data list(N = 3, m = c(0, 1), P = structure(c(1, 0.5, 0.5, 2), .Dim = c(2, 2)), Q = structure(c(2, -0.6, -0.6, 1), .Dim = c(2, 2)),
  y = structure(c(0, 0, 0, 0, 0, 0), .Dim = c(3, 2)))`,
    expects: { 'conjugate multivariate normal': ['x[1]', 'x[2]'] },
  },
  {
    name: 'conjugate Wishart (precision of dmnorm children)',
    source: `model {
  Omega[1:2, 1:2] ~ dwish(R[,], 4)
  for (i in 1:N) { y[i, 1:2] ~ dmnorm(mu[], Omega[,]) }
}
data list(N = 5, mu = c(0, 0), R = structure(c(2, 0.5, 0.5, 1), .Dim = c(2, 2)), y = structure(c(0, 0, 0, 0, 0, 0, 0, 0, 0, 0), .Dim = c(5, 2)))`,
    expects: { 'conjugate wishart': ['Omega[1,1]', 'Omega[1,2]', 'Omega[2,2]'] },
  },
  {
    name: 'slice sampler, continuous (log-normal and uniform priors on non-conjugate parameters)',
    source: `model {
  for (i in 1:N) { y[i] ~ dnorm(m, 1 / (sigma * sigma)) }
  m ~ dlnorm(0, 1)
  sigma ~ dunif(0.2, 3)
}
data list(N = 5, y = c(0, 0, 0, 0, 0))`,
    expects: { slice: ['m', 'sigma'] },
    settings: { thin: 4 },
  },
  {
    name: 'slice sampler of a gamma shape (Pumps-like: the shape of gamma rates of Poisson counts)',
    source: `model {
  for (i in 1:N) {
    theta[i] ~ dgamma(alpha, beta)
    x[i] ~ dpois(theta[i] * t[i])
  }
  alpha ~ dgamma(4, 2)
  beta ~ dgamma(2, 2)
}
data list(N = 5, t = c(1, 2, 0.5, 3, 1.5), x = c(0, 0, 0, 0, 0))`,
    expects: { 'slice (gamma shape)': ['alpha'], 'conjugate gamma': ['beta', 'theta[1]', 'theta[5]'] },
    settings: { thin: 4 },
  },
  {
    name: 'slice sampler, discrete (Poisson count of binomial trials)',
    source: `model {
  n ~ dpois(8)
  for (i in 1:N) { y[i] ~ dbin(0.4, n) }
}
data list(N = 3, y = c(0, 0, 0))`,
    expects: { 'discrete slice': ['n'] },
    settings: { thin: 4 },
  },
  {
    name: 'slice samplers of multivariate nodes (dmnorm by element, Dirichlet by pairs on the simplex)',
    source: `model {
  x[1:2] ~ dmnorm(m[], P[,])
  for (i in 1:N) { y[i] ~ dpois(exp(x[1] + x[2] * t[i])) }
  p[1:3] ~ ddirch(alpha[])
  for (i in 1:N) { u[i] ~ dnorm(3 * p[1] - p[2], 4) }
}
data list(N = 4, t = c(-1, 0, 0.5, 1), m = c(0.5, 0), P = structure(c(2, 0.5, 0.5, 2), .Dim = c(2, 2)), alpha = c(2, 1, 1.5),
  y = c(0, 0, 0, 0), u = c(0, 0, 0, 0))`,
    expects: { 'slice (by element)': ['x[1]', 'x[2]'], 'slice (simplex pairs)': ['p[1]', 'p[2]', 'p[3]'] },
    settings: { thin: 4 },
  },
];

function read(source: string): { document: ReturnType<typeof parseDocument>['document']; data: NamedValues } {
  const request = readRequest('calibrate', source, { seed: 1 }, () => 1);
  return { document: request.model.document, data: request.model.data };
}

function runFamily(family: Family, adjust?: SamplerAdjustment) {
  const { document, data } = read(family.source);
  return calibrate({ document, data, inits: undefined, initsRange: document.model!.range }, { ...SETTINGS, ...family.settings }, adjust);
}

describe('simulation-based calibration of each sampler family', () => {
  for (const family of FAMILIES) {
    it(`ranks are uniform: ${family.name}`, (t) => {
      const result = runFamily(family);
      assert.equal(result.failed, 0, result.failures.join('\n'));
      for (const [label, names] of Object.entries(family.expects)) {
        for (const name of names) assert.equal(result.nodes.find((n) => n.name === name)?.sampler, label, `${name} is updated by ${label}`);
      }
      t.diagnostic(result.nodes.map((n) => `${n.name} (${n.sampler}): χ² = ${n.statistic.toFixed(2)}, p = ${n.pValue.toPrecision(3)}`).join('; '));
      for (const node of result.nodes) {
        assert.ok(node.pValue > PASS_LEVEL, `${node.name} (${node.sampler}): ranks ${node.counts.join(' ')} fail the uniformity test, p = ${node.pValue}`);
      }
    });
  }
});

describe('simulation-based calibration detects a wrong sampler', () => {
  it('a conjugate normal update that believes the prior precision is 5 instead of 0.5', (t) => {
    // The fit's conjugate sampler reads mu's prior precision in place, from
    // an element of its own for the literal 0.5 (ChildReads, parameterReads.ts),
    // or else through the node's parameter(k); replacing what it reads makes
    // the update conjugate to the wrong prior, while the simulations keep the
    // right one. (Not through `params`: compiled nodes make those closures
    // only when asked, and samplers do not ask.) (A prior made ten times wider instead, 0.05, is not
    // detected at this size: six observations with precision ≈ 1.5 outweigh
    // a prior precision of 0.5 or 0.05 alike, so the two posteriors barely
    // differ. SBC detects what changes the posterior.)
    const breakMu: SamplerAdjustment = (graph, samplers) => {
      const mu = graph.stochastic.find((n) => n.name === 'mu')!;
      const sampler = samplers.find((s) => s.nodes.includes(mu)) as unknown as { conditional: { priorPrecision: { arrays: Float64Array[]; offsets: Int32Array } } };
      const reads = sampler.conditional.priorPrecision;
      if (reads.offsets[0]! >= 0) {
        assert.equal(reads.arrays[0]![reads.offsets[0]!], 0.5, 'the element read is the literal\'s own');
        reads.arrays[0]![reads.offsets[0]!] = 5;
      } else {
        const parameter = mu.parameter.bind(mu);
        mu.parameter = (k: number): number => (k === 1 ? 5 : parameter(k));
      }
      return samplers;
    };
    const result = runFamily(FAMILIES[0]!, breakMu);
    const mu = result.nodes.find((n) => n.name === 'mu')!;
    t.diagnostic(`mu with the wrong prior: ranks ${mu.counts.join(' ')}, χ² = ${mu.statistic.toFixed(1)}, p = ${mu.pValue.toPrecision(3)}`);
    assert.equal(mu.sampler, 'conjugate normal');
    assert.ok(mu.pValue < 1e-8, `the broken sampler went undetected: p = ${mu.pValue}`);
  });

  it('a sampler that forgets to update a node', (t) => {
    const freezeTau: SamplerAdjustment = (_graph, samplers) => samplers.filter((s) => !s.nodes.some((n) => n.name === 'tau'));
    const result = runFamily(FAMILIES[0]!, freezeTau);
    const tau = result.nodes.find((n) => n.name === 'tau')!;
    t.diagnostic(`tau never updated: ranks ${tau.counts.join(' ')}, p = ${tau.pValue.toPrecision(3)}`);
    assert.ok(tau.pValue < 1e-8);
  });
});

describe('calibration requests', () => {
  it('reads the directive with its options and checks them', () => {
    const source = `model { y ~ dnorm(mu, 1)
 mu ~ dnorm(0, 1) }
data list(y = 0)
calibrate with sbc(simulations = 40, draws = 19, bins = 5, seed = 7, burnin = 10, thin = 1)`;
    const request = readRequest('calibrate', source, {}, () => 99);
    assert.deepEqual(request.settings, { simulations: 40, draws: 19, bins: 5, seed: 7, burnin: 10, thin: 1 });
  });

  it('parses calibrate [NAME] with sbc(...) as a run directive with its own verb', () => {
    const { document, problems } = parseDocument('calibrate mymodel with sbc(simulations = 10)\ncalibrate sbc(');
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.message, /Expected 'with' after 'calibrate', as in calibrate with sbc/);
    const run = document.directives[0]!;
    assert.ok(run.kind === 'run');
    assert.equal(run.verb, 'calibrate');
    assert.equal(run.model?.text, 'mymodel');
    assert.equal(run.algorithm, 'sbc');
    assert.equal(run.options[0]!.name, 'simulations');
  });

  it('reports bad options with their ranges', () => {
    const source = `model { y ~ dnorm(mu, 1)
 mu ~ dnorm(0, 1) }
data list(y = 0)
calibrate with sbc(simulation = 40, draws = 9, bins = 20, thin = 0)`;
    assert.throws(() => readRequest('calibrate', source, {}, () => 1), (e: unknown) => {
      assert.ok(e instanceof ModelError);
      const messages = e.problems.map((p) => p.message);
      assert.ok(messages.some((m) => m.includes("Unknown option 'simulation'") && m.includes('simulations')), messages.join('\n'));
      assert.ok(messages.some((m) => m.startsWith('thin must be')), messages.join('\n'));
      assert.ok(messages.some((m) => m.includes('bins (20) cannot exceed draws + 1 (10)')), messages.join('\n'));
      for (const p of e.problems) assert.equal(p.range.start.line, 3);
      return true;
    });
    assert.throws(() => readRequest('calibrate', 'model { mu ~ dnorm(0, 1) }\ncalibrate with hmc()', {}, () => 1), /Unknown calibration method 'hmc'/);
  });

  it('says when there is nothing to calibrate', () => {
    const { document, data } = read('model { y ~ dnorm(0, 1) }\ndata list(y = 1)');
    // y is observed data: simulated, but no unobserved node is left to rank.
    assert.throws(() => calibrate({ document, data, inits: undefined, initsRange: document.model!.range }, SETTINGS), /Nothing to calibrate/);
  });

  it('gives the same ranks for the same seed', () => {
    const small = { ...SETTINGS, simulations: 30 };
    const { document, data } = read(FAMILIES[0]!.source);
    const model = { document, data, inits: undefined, initsRange: document.model!.range };
    assert.deepEqual(calibrate(model, small).nodes, calibrate(model, small).nodes);
  });
});
