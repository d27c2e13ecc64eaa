import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CensoredNormalSampler } from '../../../src/engine/inference/censoredNormalSampler';
import { assignSamplers } from '../../../src/engine/inference/gibbs';
import type { Sampler } from '../../../src/engine/inference/samplers';
import { compileWithInits } from './helpers';

/**
 * A censoring plate's latent normals are claimed as one sampler (CensoredNormalSampler.claimRun), updated in the
 * order a sampler per node would update them, and only the nodes a sampler per node would have served.
 */
const updated = (samplers: Sampler[]): string[][] => samplers.map((s) => s.nodes.map((n) => n.name));

const rows = (n: number, value: (i: number) => number): string => Array.from({ length: n }, (_, i) => value(i + 1)).join(', ');

describe("a censoring plate's sampler", () => {
  it("serves the whole plate's latent rows, in order, in one sampler", () => {
    const graph = compileWithInits(`model {
  for (i in 1:N) {
    z[i] ~ dnorm(b * x[i], 1)
    y[i] ~ dinterval(z[i], 0)
  }
  b ~ dnorm(0, 0.01)
}
data list(N = 6, x = c(${rows(6, (i) => i - 3)}), y = c(${rows(6, (i) => i % 2)}))
inits list(b = 0, z = c(${rows(6, (i) => (i % 2 ? 0.5 : -0.5))}))
`);
    const samplers = assignSamplers(graph, { forwardSamplePredictive: true });
    const censored = samplers.filter((s) => s instanceof CensoredNormalSampler);
    assert.equal(censored.length, 1);
    assert.deepEqual(censored[0]!.nodes.map((n) => n.name), ['z[1]', 'z[2]', 'z[3]', 'z[4]', 'z[5]', 'z[6]']);
  });

  it('keeps rows of two censoring statements of one loop in samplers of their own, row after row', () => {
    // The unobserved nodes alternate z[i], w[i]: no run of one statement is longer than a row.
    const graph = compileWithInits(`model {
  for (i in 1:3) {
    z[i] ~ dnorm(m, 1)
    w[i] ~ dnorm(m, 1)
    y[i] ~ dinterval(z[i], 0)
    v[i] ~ dinterval(w[i], 1)
  }
  m ~ dnorm(0, 0.01)
}
data list(y = c(1, 0, 1), v = c(0, 1, 0))
inits list(m = 0, z = c(0.5, -0.5, 0.5), w = c(0.5, 1.5, 0.5))
`);
    const censored = updated(assignSamplers(graph, { forwardSamplePredictive: true }).filter((s) => s instanceof CensoredNormalSampler));
    assert.deepEqual(censored, [['z[1]'], ['w[1]'], ['z[2]'], ['w[2]'], ['z[3]'], ['w[3]']]);
  });

  it('stops a run at a node another sampler has, and joins the rows after it to the same sampler', () => {
    // z[3] is not censored: with no observed descendant it is drawn from its prior (predictiveNodes.ts), last.
    const graph = compileWithInits(`model {
  for (i in 1:5) { z[i] ~ dnorm(m, 1) }
  for (i in 1:2) { y[i] ~ dinterval(z[i], 0) }
  for (i in 4:5) { y[i] ~ dinterval(z[i], 0) }
  m ~ dnorm(0, 0.01)
}
data list(y = c(1, 0, NA, 1, 0))
inits list(m = 0, z = c(0.5, -0.5, 0, 0.5, -0.5))
`);
    const samplers = assignSamplers(graph, { forwardSamplePredictive: true });
    assert.deepEqual(updated(samplers.filter((s) => s instanceof CensoredNormalSampler)), [['z[1]', 'z[2]', 'z[4]', 'z[5]']]);
    assert.deepEqual(updated(samplers).at(-1), ['z[3]']);
  });

  it('claims only rows whose cut points are as fixed as the first one', () => {
    // Rows 1-2 censor at data, rows 3-4 at an estimated cut point c: two samplers, as node by node.
    const graph = compileWithInits(`model {
  for (i in 1:4) {
    z[i] ~ dnorm(m, 1)
    y[i] ~ dinterval(z[i], cut[i])
  }
  cut[3] <- c
  cut[4] <- c
  c ~ dunif(-1, 1)
  m ~ dnorm(0, 0.01)
}
data list(y = c(1, 0, 1, 0), cut = c(0, 0, NA, NA))
inits list(m = 0, c = 0, z = c(0.5, -0.5, 0.5, -0.5))
`);
    const censored = updated(assignSamplers(graph, { forwardSamplePredictive: true }).filter((s) => s instanceof CensoredNormalSampler));
    assert.deepEqual(censored, [['z[1]', 'z[2]'], ['z[3]', 'z[4]']]);
  });
});
