import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assignSamplers } from '../../../src/engine/inference/gibbs';
import { describeProgress } from '../../../src/engine/job/progress';
import { readRequest } from '../../../src/engine/job/job';
import { compileModel } from '../../../src/engine/model/compile';
import { prepareChain } from '../../../src/engine/run/chainSession';
import { BUILT_IN_DEFAULTS } from '../../../src/engine/run/request';

const N = 5000;
const MODEL = `model {
  for (i in 1:N) {
    theta[i] ~ dnorm(mu, 1)
    y[i] ~ dnorm(theta[i], 1)
  }
  mu ~ dnorm(0, 0.01)
}
data list(N = ${N}, y = c(${Array.from({ length: N }, (_, i) => (i % 7) / 3).join(', ')}))`;

describe('progress inside the sampler assignment of a large model', () => {
  it('reports the share of unobserved nodes done every 1024 nodes, rising, below 1', () => {
    const request = readRequest('sample', MODEL, BUILT_IN_DEFAULTS, () => 1);
    const graph = compileModel(request.document, request.data);
    const shares: number[] = [];
    assignSamplers(graph, { onProgress: (share) => shares.push(share) });
    const unobserved = N + 1;
    assert.deepEqual(shares, [1, 2, 3, 4].map((k) => (k * 1024) / unobserved));
  });

  it("the chain's phase carries the percentage, which the notification's message shows", () => {
    const request = readRequest('sample', MODEL, BUILT_IN_DEFAULTS, () => 1);
    const phases: string[] = [];
    // The phase is told at most five times a second: a clock that moves 1 s per reading lets every share through.
    const realNow = Date.now;
    let t = 0;
    Date.now = () => (t += 1000);
    try {
      prepareChain(request, 0, (phase) => phases.push(phase));
    } finally {
      Date.now = realNow;
    }
    const withShare = phases.filter((p) => /^assigning samplers to 5,001 unobserved nodes .* · \d+%$/.test(p));
    assert.deepEqual(withShare.map((p) => p.split(' · ')[1]), ['20%', '40%', '61%', '81%']);
    const running = { kind: 'sample', output: { progress: { done: 0, total: 3000 }, phase: withShare[1], timings: { sampleMs: 0 } } } as unknown as Parameters<typeof describeProgress>[0];
    assert.match(describeProgress(running).message, /assigning samplers .* · 40%$/);
  });
});
