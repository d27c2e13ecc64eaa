import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseSampleArguments, runSample, splitMonitorList, type SampleArguments } from '../../../src/cli/sample';
import { nodeStatistics } from '../../../src/cli/sampleJson';
import type { NodeResult } from '../../../src/engine/output/runOutput';
import { TS_WORKERS as WORKER } from '../job/tsWorkers';

interface SampleJson {
  status: string;
  seed: number;
  settings: { chains: number; iterations: number; monitor: string[] };
  seconds: number;
  nodes: Record<string, Record<string, number>>;
  samplers: Record<string, string>;
  draws: Record<string, number>;
}

async function sampleJson(model: string, flags: string[]): Promise<{ code: number; json: SampleJson; errors: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'latent-sample-'));
  const file = join(dir, 'model.bug');
  writeFileSync(file, model);
  const args = parseSampleArguments([...flags, '--json']);
  assert.equal(typeof args, 'object', String(args));
  const out: string[] = [];
  const errors: string[] = [];
  const code = await runSample(file, args as SampleArguments, WORKER, (t) => out.push(t), (t) => errors.push(t));
  assert.equal(out.length, 1, 'one JSON object');
  return { code, json: JSON.parse(out[0]!) as SampleJson, errors };
}

/**
 * y[i] ~ dnorm(mu, 1) with y[3] missing and mu ~ dnorm(0, 0.01): the
 * posterior of mu is normal with precision 0.01 + 3 = 3.01 and mean
 * (1.2 + 0.4 + 2.0) / 3.01; the predictive of y[3] is normal with the same
 * mean and variance 1/3.01 + 1; m = 2 mu + 1 has mean 2 E[mu] + 1 and sd 2 sd(mu).
 */
const PREDICTIVE = `model {
  for (i in 1:4) { y[i] ~ dnorm(mu, 1) }
  mu ~ dnorm(0, 0.01)
  m <- 2 * mu + 1
}
data list(y = c(1.2, 0.4, NA, 2.0))
`;
const POSTERIOR_MEAN = 3.6 / 3.01;
const POSTERIOR_SD = Math.sqrt(1 / 3.01);

describe('latent sample', () => {
  it('reads --monitor lists, keeping the commas of an element index', () => {
    assert.deepEqual(splitMonitorList('mu,theta[3], Omega[1,2]'), ['mu', 'theta[3]', 'Omega[1,2]']);
    const args = parseSampleArguments(['--monitor', 'a,b[1, 2]', '--monitor', 'c', '--chains', '2', '--seed', '7']);
    assert.ok(typeof args === 'object');
    assert.deepEqual(args.defaults.monitor, ['a', 'b[1,2]', 'c']);
    assert.equal(args.defaults.chains, 2);
    assert.equal(args.defaults.seed, 7);
  });

  it('rejects bad flags with a message', () => {
    assert.match(String(parseSampleArguments(['--monitor'])), /--monitor needs a value/);
    assert.match(String(parseSampleArguments(['--monitor', ','])), /--monitor needs node names/);
    assert.match(String(parseSampleArguments(['--chians', '2'])), /unknown option --chians/);
    assert.match(String(parseSampleArguments(['--thin', '-1'])), /whole number/);
  });

  it('prints one JSON object: statistics per scalar under its JAGS name, samplers, settings, seed and seconds', async () => {
    const { code, json } = await sampleJson(PREDICTIVE, ['--chains', '2', '--iterations', '200', '--burnin', '50', '--seed', '3', '--monitor', 'mu,y']);
    assert.equal(code, 0);
    assert.equal(json.status, 'complete');
    assert.equal(json.seed, 3);
    assert.deepEqual(json.settings.monitor, ['mu', 'y']);
    assert.ok(json.seconds > 0 && json.seconds < 60);
    assert.deepEqual(Object.keys(json.nodes), ['mu', 'y[1]', 'y[2]', 'y[3]', 'y[4]']);
    for (const stats of Object.values(json.nodes)) {
      for (const key of ['mean', 'sd', 'q2.5', 'q25', 'q50', 'q75', 'q97.5']) assert.equal(typeof stats[key], 'number', key);
    }
    assert.equal(json.samplers['mu'], 'conjugate normal');
    assert.equal(json.samplers['y[1]'], 'observed');
    assert.equal(json.draws['y[3]'], 200);
    // An observed entry is a constant.
    assert.deepEqual([json.nodes['y[2]']!.mean, json.nodes['y[2]']!.sd], [0.4, 0]);
  });

  it('gives the posterior predictive mean and sd of a missing data entry and of a deterministic node', async () => {
    const { code, json } = await sampleJson(PREDICTIVE, ['--chains', '2', '--iterations', '10000', '--burnin', '500', '--seed', '11', '--monitor', 'y[3],m']);
    assert.equal(code, 0);
    const y3 = json.nodes['y[3]']!;
    const m = json.nodes['m']!;
    // 20,000 draws. mu and y[3] are updated in turn, so the draws are autocorrelated:
    // the lag-1 correlation of mu is the fraction of missing information, 1/4.01 ≈ 0.25,
    // giving an effective sample size of about 20,000 · 0.75/1.25 = 12,000 (fewer taken: 10,000).
    // Monte-Carlo sd of a mean: sd/√10,000; of an sd: sd/√(2 · 10,000). Allowed: 4 of each.
    const ess = 10_000;
    const close = (got: number, want: number, mcse: number, what: string): void =>
      assert.ok(Math.abs(got - want) <= 4 * mcse, `${what}: ${got} vs ${want} (4 MCSE = ${4 * mcse})`);
    const predictiveSd = Math.sqrt(POSTERIOR_SD ** 2 + 1);
    close(y3.mean!, POSTERIOR_MEAN, predictiveSd / Math.sqrt(ess), 'E[y[3]]');
    close(y3.sd!, predictiveSd, predictiveSd / Math.sqrt(2 * ess), 'sd(y[3])');
    close(m.mean!, 2 * POSTERIOR_MEAN + 1, (2 * POSTERIOR_SD) / Math.sqrt(ess), 'E[m]');
    close(m.sd!, 2 * POSTERIOR_SD, (2 * POSTERIOR_SD) / Math.sqrt(2 * ess), 'sd(m)');
    assert.equal(json.samplers['m'], 'deterministic');
  });

  it('passes every number the engine reports about a node into its JSON entry, diagnostics included', () => {
    const summary = { mean: 1, sd: 2, 'q2.5': 3, q25: 4, q50: 5, q75: 6, 'q97.5': 7 };
    const node = {
      name: 'mu',
      sampler: 'slice',
      draws: 100,
      summary,
      diagnostics: { rhat: 1.01, ess_bulk: 400 },
      labelSwitching: 'said in the messages',
      trace: { iterations: [1], chains: [[0]] },
      histogram: { edges: [0, 1], counts: [1] },
    } as NodeResult;
    assert.deepEqual(nodeStatistics(node), { ...summary, rhat: 1.01, ess_bulk: 400 });
  });

  it('exits 1 naming the file, line and column of a node it cannot monitor', async () => {
    const { code, json, errors } = await sampleJson(PREDICTIVE, ['--chains', '1', '--iterations', '10', '--monitor', 'nu']);
    assert.equal(code, 1);
    assert.equal(json.status, 'failed');
    assert.match(errors.join('\n'), /model\.bug:1:1: error: Cannot monitor 'nu'/);
  });

  it('warns of initial values and data the model does not use (a leftover tau), and samples', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latent-sample-'));
    writeFileSync(join(dir, 'inits.R'), 'mu <- 0\ntau <- 1\n');
    writeFileSync(join(dir, 'data.R'), 'zzz <- 4\n');
    const { code, json, errors } = await sampleJson(PREDICTIVE, ['--inits', join(dir, 'inits.R'), '--data', join(dir, 'data.R'), '--chains', '1', '--iterations', '200', '--seed', '3']);
    assert.equal(code, 0, errors.join('\n'));
    assert.equal(json.status, 'complete');
    assert.ok(errors.some((e) => /warning: 'tau' is given an initial value/.test(e)), errors.join('\n'));
    assert.ok(errors.some((e) => /warning: 'zzz' is given as data/.test(e)), errors.join('\n'));
  });
});
