import { readRequest } from '../../../src/engine/job/job';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runFit } from '../../../src/engine/fit/runFit';
import type { FitOutput } from '../../../src/engine/output/fitOutput';
import { PolarRandom } from '../../../src/engine/random/polarRandom';

/**
 * VI with deterministic annealing (`vi(anneal = TRUE)`, vi/annealing.ts) against plain VI from the
 * same given start, on three well-separated unit-variance clusters (−6, 0, 6; 50 rows each) fitted
 * with K = 3 and a shared precision.
 */
function clusters(dataSeed: number, mu: string, options: string): string {
  const random = new PolarRandom(dataSeed, 0);
  const x = Array.from({ length: 150 }, (_, i) => ([-6, 0, 6][i % 3]! + random.normal()).toFixed(3));
  return `model {
  for (i in 1:N) {
    z[i] ~ dcat(w[])
    x[i] ~ dnorm(mu[z[i]], tau)
  }
  for (k in 1:3) { mu[k] ~ dnorm(0, 0.01) }
  tau ~ dgamma(1, 1)
  w[1:3] ~ ddirch(alpha[])
}
data list(N = 150, alpha = c(1, 1, 1), x = c(${x.join(', ')}))
inits list(mu = c(${mu}), tau = 1, w = c(0.34, 0.33, 0.33))
fit with vi(init = "given", restarts = 1${options})
`;
}

async function fit(source: string): Promise<FitOutput> {
  const out = await runFit(readRequest('fit', source, {}, () => 1));
  assert.ok(out.status !== 'failed', JSON.stringify(out.messages));
  assert.ok(!out.messages.some((m) => /decreased/.test(m.message)), JSON.stringify(out.messages));
  return out;
}

const means = (out: FitOutput): number[] => out.params.filter((p) => p.name.startsWith('mu')).map((p) => p.value).sort((a, b) => a - b);

describe('VI with deterministic annealing', () => {
  it('escapes a start that plain VI keeps: two components on the cluster at 6, one covering −6 and 0', async () => {
    const plain = await fit(clusters(3, '5, 6, 7', ''));
    const annealed = await fit(clusters(3, '5, 6, 7', ', anneal = TRUE'));
    // Plain VI: −457.16 with means −3.40, 5.18, 5.19; annealed: −395.71 at the three clusters.
    assert.ok(annealed.variational!.elbo > plain.variational!.elbo + 50, `annealed ${annealed.variational!.elbo} vs plain ${plain.variational!.elbo}`);
    assert.ok(Math.abs(means(plain)[1]! - means(plain)[2]!) < 0.1, `plain VI keeps the duplicate: ${means(plain)}`);
    means(annealed).forEach((m, k) => assert.ok(Math.abs(m - [-6, 0, 6][k]!) < 0.4, `annealed means ${means(annealed)}`));
    // The curve carries each sweep's β: the tempered steps from β = 0.1, then plain coordinate ascent.
    const beta = annealed.objective.beta!;
    assert.equal(beta.length, annealed.objective.values.length);
    assert.ok(beta[0]! === 0.1 && beta.at(-1) === 1 && beta.some((b) => b > 0.5 && b < 1), `β per sweep ${beta.slice(0, 5)}…`);
    // From β = 1 on it is plain coordinate ascent: the ELBO never falls (rounding only, 1e-9 relative).
    const values = annealed.objective.values;
    for (let i = beta.indexOf(1) + 1; i < values.length; i++) assert.ok(values[i]! >= values[i - 1]! - 1e-9 * Math.abs(values[i - 1]!), `ELBO fell at ${i + 1}`);
  });

  it('never ends at a worse bound than plain VI from the same start (4 starts × 2 data sets)', async () => {
    for (const dataSeed of [3, 11]) {
      for (const mu of ['-6.5, -5.5, 3', '-7, -6, 5', '5, 6, 7', '-1, 0, 1']) {
        const plain = (await fit(clusters(dataSeed, mu, ''))).variational!.elbo;
        const annealed = (await fit(clusters(dataSeed, mu, ', anneal = TRUE'))).variational!.elbo;
        // Both stop at |ΔELBO| ≤ 1e-10·|ELBO|; the same optimum agrees to ~1e-8 relative.
        assert.ok(annealed >= plain - 1e-8 * Math.abs(plain), `data ${dataSeed}, start (${mu}): annealed ${annealed} < plain ${plain}`);
      }
    }
  });
});
