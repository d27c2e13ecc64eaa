import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as posterior from '../../../src/engine/diagnostics/convergence';
import { DiagnosticsWorkspace } from '../../../src/engine/diagnostics/drawMatrix';
import type { ParameterDraws } from '../../../src/engine/diagnostics/draws';
import { joinStanChains, readStanCsv } from '../../../src/engine/diagnostics/stanCsv';

// Two Stan chains of the "blocker" model and what R's posterior computes from them
// (test/fixtures/diagnostics-reference/README.md lists the call behind each column).
const FIXTURES = join(__dirname, '../../fixtures/diagnostics-reference');
const TOLERANCE = 1e-6; // relative; the acceptance threshold (we agree to about 1e-13)

const parameters: ParameterDraws[] = joinStanChains(
  ['blocker.1.csv', 'blocker.2.csv'].map((f) => readStanCsv(readFileSync(join(FIXTURES, f), 'utf8'), f)),
);

interface ReferenceRow {
  name: string;
  values: Map<string, number>;
}

function readReference(): ReferenceRow[] {
  const [header, ...rows] = readFileSync(join(FIXTURES, 'reference_posterior.csv'), 'utf8').trim().split('\n');
  const columns = header!.split(',').map((c) => c.replace(/"/g, ''));
  return rows.map((row) => {
    const fields = row.split(',');
    // posterior saw Stan's column names (mu.1); our readers report JAGS names (mu[1]).
    const name = fields[0]!.replace(/"/g, '').replace(/\.(\d+)$/, '[$1]');
    return { name, values: new Map(columns.slice(1).map((c, k) => [c, Number(fields[k + 1])])) };
  });
}

type Computed = Record<string, number>;

function ours(chains: Float64Array[], options: posterior.DiagnoseOptions): Computed {
  return {
    rhat_rank: posterior.rhat(chains),
    rhat_raw: posterior.rhatBasic(chains, false),
    ess_bulk: posterior.essBulk(chains, options),
    ess_tail: posterior.essTail(chains, options),
    ess_mean: posterior.essMean(chains, options),
    ess_sd: posterior.essSd(chains, options),
    ess_median: posterior.essMedian(chains, options),
    ess_raw: posterior.essBasic(chains, false, options),
    ess_quantile01: posterior.essQuantile(chains, 0.01, options),
    ess_quantile10: posterior.essQuantile(chains, 0.1, options),
    ess_quantile30: posterior.essQuantile(chains, 0.3, options),
    mcse_mean: posterior.mcseMean(chains, options),
    mcse_sd: posterior.mcseSd(chains, options),
    mcse_median: posterior.mcseMedian(chains, options),
    mcse_quantile01: posterior.mcseQuantile(chains, 0.01, options),
    mcse_quantile10: posterior.mcseQuantile(chains, 0.1, options),
    mcse_quantile30: posterior.mcseQuantile(chains, 0.3, options),
  };
}

function assertAgrees(row: ReferenceRow, computed: Computed, columns: Iterable<string>): number {
  let checked = 0;
  for (const column of columns) {
    const expected = row.values.get(column)!;
    const actual = computed[column];
    assert.ok(actual !== undefined, `no value of ours for ${column}`);
    const relative = Math.abs(actual - expected) / Math.abs(expected);
    assert.ok(relative <= TOLERANCE, `${row.name} ${column}: ours ${actual}, posterior ${expected} (relative difference ${relative})`);
    checked++;
  }
  return checked;
}

describe('diagnostics agree with R posterior on the blocker chains', () => {
  const reference = readReference();

  it('reads every parameter of the reference from the Stan files', () => {
    assert.equal(reference.length, 48);
    for (const row of reference) assert.ok(parameters.some((p) => p.name === row.name), `${row.name} is not in the Stan files`);
    assert.ok(parameters.every((p) => p.chains.length === 2 && p.chains.every((c) => c.length === 1000)));
  });

  // Every autocovariance path: direct lag sums while Geyer's sequence is short and the FFT beyond
  // (the default), the FFT from lag 1, and direct sums for every lag.
  for (const [label, options] of [
    ['default', {}],
    ['FFT for every lag', { directLags: 0 }],
    ['direct sums for every lag', { directLags: Infinity }],
  ] as const) {
    it(`every column, every parameter, to ${TOLERANCE} relative (${label})`, () => {
      let checked = 0;
      for (const row of reference) {
        const chains = parameters.find((p) => p.name === row.name)!.chains;
        checked += assertAgrees(row, ours(chains, options), row.values.keys());
      }
      assert.equal(checked, 48 * 17);
    });
  }

  it('diagnose() gives the same values as the single functions, sharing buffers between nodes', () => {
    const workspace = new DiagnosticsWorkspace();
    for (const row of reference) {
      const chains = parameters.find((p) => p.name === row.name)!.chains;
      const all = posterior.diagnose(chains, { workspace });
      const computed: Computed = {
        rhat_rank: all.rhat,
        ess_bulk: all.ess_bulk,
        ess_tail: all.ess_tail,
        ess_mean: all.ess_mean,
        ess_sd: all.ess_sd,
        ess_median: all.ess_median,
        mcse_mean: all.mcse_mean,
        mcse_sd: all.mcse_sd,
        mcse_median: all.mcse_median,
      };
      assertAgrees(row, computed, Object.keys(computed));
    }
  });
});
