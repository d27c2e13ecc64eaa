/**
 * `latent sample --loo` and `gibbs(loo = TRUE)`: the pointwise log-likelihood
 * recorded by the chains gives PSIS-LOO, WAIC and DIC that match the exact
 * values of a conjugate model within Monte-Carlo error.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseSampleArguments, runSample, type SampleArguments } from '../../../src/cli/sample';
import type { ModelComparison } from '../../../src/engine/output/runOutput';
import { TS_WORKERS } from '../job/tsWorkers';

const WORKER = TS_WORKERS;

async function sample(model: string, flags: string[]): Promise<{ code: number; out: string; errors: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'latent-loo-'));
  const file = join(dir, 'model.bug');
  writeFileSync(file, model);
  const args = parseSampleArguments(flags);
  assert.equal(typeof args, 'object', String(args));
  const out: string[] = [];
  const errors: string[] = [];
  const code = await runSample(file, args as SampleArguments, WORKER, (t) => out.push(t), (t) => errors.push(t));
  return { code, out: out.join('\n'), errors };
}

// y_i ~ N(mu, 1) with a flat prior: mu | y ~ N(ȳ, 1/N) (prior precision 1e-6 against N = 20 moves it by < 1e-6).
const Y = [0.3, -1.1, 0.8, 1.9, -0.4, 0.1, 1.2, -0.7, 0.5, 0.9, -1.6, 0.2, 1.4, -0.2, 0.6, -0.9, 1.0, 0.0, -0.3, 0.7];
const N = Y.length;
const MODEL = `model {
  mu ~ dnorm(0, 1.0E-6)
  for (i in 1:N) { y[i] ~ dnorm(mu, 1) }
}
data list(N = ${N}, y = c(${Y.join(', ')}))
`;
const logNormal = (x: number, mean: number, variance: number): number => -0.5 * Math.log(2 * Math.PI * variance) - ((x - mean) ** 2) / (2 * variance);

describe('latent sample --loo', () => {
  it('matches the exact leave-one-out elpd and pD = pV = 1 of a conjugate normal model within Monte-Carlo error', async () => {
    const { code, out } = await sample(MODEL, ['--chains', '4', '--iterations', '1000', '--burnin', '100', '--seed', '11', '--loo', '--json']);
    assert.equal(code, 0);
    const mc = (JSON.parse(out) as { model_comparison: ModelComparison }).model_comparison;
    assert.equal(mc.draws, 4000);
    assert.equal(mc.observations, N);
    assert.equal(mc.pareto_k.good + mc.pareto_k.ok + mc.pareto_k.bad + mc.pareto_k.very_bad, N);
    // Exact: y_i | y_−i ~ N(ȳ_−i, 1 + 1/(N − 1)).
    const sum = Y.reduce((a, b) => a + b, 0);
    const exact = Y.reduce((acc, y) => acc + logNormal(y, (sum - y) / (N - 1), 1 + 1 / (N - 1)), 0);
    // Each observation's estimate averages importance weights exp((y_i − mu)²/2) over 4000 independent
    // conjugate draws of mu ~ N(ȳ, 1/20); their relative sd is below 0.5 here (|y_i − ȳ| < 2), so each
    // log-mean errs by about 0.5/√4000 ≈ 0.008 sd, and the sum of 20 (the same draws, correlated) by at
    // most 20 × 0.008 = 0.16 sd-equivalents; 0.25 leaves room. A wrong sign or scale errs by ≥ 1.
    assert.ok(Math.abs(mc.elpd_loo.estimate - exact) < 0.25, `elpd_loo ${mc.elpd_loo.estimate} against exact ${exact}`);
    // D(mu) = Σ(y_i − mu)² + N log 2π, so D − D(ȳ) = N (mu − ȳ)² ~ χ²₁: pD = E[χ²₁] = 1 (MC sd √(2/4000) = 0.022)
    // and pV = var(χ²₁)/2 = 1 (MC sd √((60 − 4)/4000)/2 = 0.059); 5 sd each.
    assert.ok(Math.abs(mc.dic.pD! - 1) < 0.11, `pD ${mc.dic.pD}`);
    assert.ok(Math.abs(mc.dic.pV - 1) < 0.3, `pV ${mc.dic.pV}`);
    // Plummer's pD (JAGS's): half the symmetrised divergence between two chains' N(mu_c, 1) per observation,
    // summed, is N (mu_1 − mu_2)²/2 = χ²₁ in law (mu_c independent N(ȳ, 1/N)): mean 1, sd √2 per pair of draws;
    // over 1000 draws of each of 6 pairs of chains the mean errs by at most √(2/1000) = 0.045 sd; 4 sd.
    assert.ok(mc.dic.pD_plummer !== undefined && Math.abs(mc.dic.pD_plummer - 1) < 0.18, `Plummer's pD ${mc.dic.pD_plummer}`);
    // p_loo and p_waic of a one-parameter model with no influential point: near 1 (their sums of 20 small terms).
    assert.ok(Math.abs(mc.p_loo.estimate - 1) < 0.25 && Math.abs(mc.p_waic.estimate - 1) < 0.25, `p_loo ${mc.p_loo.estimate}, p_waic ${mc.p_waic.estimate}`);
    assert.equal(mc.high_k.length, 0);
  });

  it('takes loo = TRUE in the cell, prints the criteria under the summary table, and names an influential observation', async () => {
    const outlier = MODEL.replace('y = c(0.3,', 'y = c(9.5,');
    const { code, out } = await sample(`${outlier}sample with gibbs(chains = 2, iterations = 500, burnin = 100, seed = 5, loo = TRUE)\n`, []);
    assert.equal(code, 0);
    assert.match(out, /^elpd_loo +-?\d+\.\d\d +\d+\.\d\d$/m);
    assert.match(out, /^DIC \(pV\) +\d+\.\d\d$/m);
    assert.match(out, /PSIS-LOO is unreliable for y\[1\] \d\.\d\d/);
  });

  it('says what is wrong with loo = 3, at the option', async () => {
    const { code, errors } = await sample(`${MODEL}sample with gibbs(loo = 3)\n`, []);
    assert.equal(code, 1);
    assert.match(errors.join('\n'), /model\.bug:6:\d+: error: loo takes TRUE or FALSE\./);
  });
});
