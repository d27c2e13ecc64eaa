import assert from 'node:assert/strict';
import { TS_WORKERS } from '../job/tsWorkers';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseEmArguments, type EmArguments } from '../../../src/cli/em';
import { runVi } from '../../../src/cli/vi';

const WORKERS = TS_WORKERS;

const MODEL = `model {
  mu[1:2] ~ dmnorm(m0[], P0[, ])
  tau ~ dgamma(1, 1)
  for (i in 1:N) { y[i] ~ dnorm(mu[1] + mu[2] * x[i], tau) }
}
data list(N = 5, x = c(-1, 0, 1, 2, 3), y = c(-0.9, 0.2, 1.1, 1.8, 3.2), m0 = c(0, 0), P0 = structure(c(0.1, 0, 0, 0.1), .Dim = c(2, 2)))
`;

async function run(source: string, flags: string[]): Promise<{ code: number; out: string; err: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'latent-vi-'));
  const file = join(dir, 'model.latent');
  writeFileSync(file, source);
  const args = parseEmArguments(flags, 'vi') as EmArguments;
  let out = '';
  let err = '';
  const code = await runVi(file, args, WORKERS, (t) => (out += `${t}\n`), (t) => (err += `${t}\n`));
  return { code, out, err };
}

/** 200 rows in two tight clusters, fitted with K components of Dirichlet concentration alpha each. */
function twoClusters(K: number, alpha: number): string {
  const rows: number[] = [];
  for (let i = 0; i < 200; i++) rows.push(i % 2 ? 3 + 0.1 * Math.sin(i) : -3 + 0.1 * Math.cos(i), i % 2 ? 1 + 0.1 * Math.cos(i) : -1 + 0.1 * Math.sin(i));
  const byColumn = [...rows.filter((_, j) => j % 2 === 0), ...rows.filter((_, j) => j % 2 === 1)];
  return `model {
  for (i in 1:N) { z[i] ~ dcat(w[])
    x[i, 1:2] ~ dmnorm(mu[z[i], ], Omega[, , z[i]]) }
  for (k in 1:K) { mu[k, 1:2] ~ dmnorm(m0[], P0[, ])
    Omega[1:2, 1:2, k] ~ dwish(R[, ], 3) }
  w[1:K] ~ ddirch(alpha[])
}
data list(N = 200, K = ${K}, alpha = rep(${alpha}, ${K}), m0 = c(0, 0), P0 = structure(c(0.01, 0, 0, 0.01), .Dim = c(2, 2)), R = structure(c(1, 0, 0, 1), .Dim = c(2, 2)),
  x = structure(c(${byColumn}), .Dim = c(200, 2)))
`;
}

describe('latent vi', () => {
  it('prints one JSON object: the bound, its curve, timing and every element under its JAGS name', async () => {
    const { code, out } = await run(MODEL, ['--json', '--seed', '3', '--tol', '1e-12']);
    assert.equal(code, 0);
    const json = JSON.parse(out) as Record<string, unknown> & { nodes: Record<string, Record<string, number>>; elbo_per_iteration: number[] };
    assert.equal(json.schema, 'latent.vi/1');
    for (const key of ['elbo', 'elbo_per_iteration', 'iterations', 'converged', 'seconds', 'seconds_per_iteration', 'nodes']) assert.ok(key in json, key);
    assert.equal(json.elbo, json.elbo_per_iteration.at(-1));
    assert.deepEqual(Object.keys(json.nodes).sort(), ['mu[1]', 'mu[2]', 'tau']);
    const mu2 = json.nodes['mu[2]']!;
    assert.equal(mu2.family, 'normal');
    assert.ok(mu2['q2.5']! < mu2.mean! && mu2.mean! < mu2['q97.5']!);
    assert.equal(json.nodes.tau!.family, 'gamma');
    assert.ok(json.nodes.tau!.shape! > 1 && json.nodes.tau!.rate! > 0);
    assert.equal(json.converged, true);
    // The start that won, named as EM names it: a regression has no exchangeable parts, one start at the priors' typical values.
    assert.deepEqual((json.starts as Array<{ method: string }>).map((s) => s.method), ['the priors\u2019 typical values']);
    assert.equal(json.kept_start, 1);
  });

  it('prints a table, and refuses the EM-only flags', async () => {
    const { code, out } = await run(MODEL, []);
    assert.equal(code, 0);
    assert.match(out, /Latent vi fit \(mean-field variational inference\): converged/);
    // The header names the start that was used, never a method that did not run (no k-means++ without a mixture).
    assert.doesNotMatch(out.split('\n')[0]!, /kmeans|0 starts/);
    assert.match(out.split('\n')[0]!, /start: the priors’ typical values/);
    assert.match(out, /mu\[2\]\s+normal/);
    assert.match(out, /ELBO\s+-?\d/);
    assert.match(String(parseEmArguments(['--mle'], 'vi')), /unknown option --mle for vi/);
  });

  it('reports a model VI cannot treat at its line, exit 1', async () => {
    const { code, err } = await run('model {\n  s ~ dunif(0, 1)\n  y ~ dnorm(0, s)\n}\ndata list(y = 1)\n', []);
    assert.equal(code, 1);
    assert.match(err, /model\.latent:2:\d+: error: VI has no variational factor for the dunif node 's'/);
  });

  it('--svi runs stochastic VI on a Gaussian mixture: the bound per row at the minibatch steps, in the same latent.vi/1 object', async () => {
    const mixture = twoClusters(2, 1);
    const { code, out, err } = await run(mixture, ['--svi', '--batch', '50', '--kappa', '0.7', '--t0', '1', '--epochs', '2', '--seed', '1', '--json']);
    assert.equal(code, 0, err);
    const json = JSON.parse(out) as { method: string; iterations: number; elbo: number; elbo_per_iteration: number[]; svi: { steps: number[]; elbo_per_row: number[]; batch: number; kappa: number } };
    assert.equal(json.method, 'svi');
    assert.equal(json.iterations, 8, '2 passes of 4 minibatches');
    assert.equal(json.svi.batch, 50);
    assert.equal(json.svi.kappa, 0.7);
    assert.equal(json.svi.steps.length, json.svi.elbo_per_row.length);
    assert.ok(Math.abs(json.elbo / 200 - json.svi.elbo_per_row.at(-1)!) < 1e-9 * Math.abs(json.elbo));
    assert.equal(json.elbo_per_iteration.at(-1), json.elbo);
    assert.match(String(parseEmArguments(['--batch', '0'], 'vi')), /--batch takes a whole number/);
    // The table: SVI ends with its passes (no convergence test), and gives the bound in total and per row.
    const table = await run(mixture, ['--svi', '--batch', '50', '--epochs', '2', '--seed', '1']);
    assert.equal(table.code, 0, table.err);
    assert.match(table.out, /finished its passes: 8 minibatch steps/);
    assert.match(table.out, /ELBO per row\s+-?\d/);
  });

  it('--json counts the components that hold data: three for two clusters with a small concentration leave one emptied', async () => {
    const { code, out, err } = await run(twoClusters(3, 0.01), ['--json', '--seed', '2']);
    assert.equal(code, 0, err);
    const json = JSON.parse(out) as { status: string; effective_components: Array<{ variable: string; of: number; effective: number; emptied: number[]; expected_rows: number[] }> };
    assert.equal(json.status, 'converged');
    assert.equal(json.effective_components.length, 1);
    const [e] = json.effective_components;
    assert.deepEqual([e!.variable, e!.of, e!.effective, e!.emptied.length], ['z', 3, 2, 1]);
    assert.ok(e!.expected_rows[e!.emptied[0]! - 1]! < 1);
  });
});
