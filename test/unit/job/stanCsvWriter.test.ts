import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { joinStanChains, readStanCsv } from '../../../src/engine/diagnostics/stanCsv';
import { jagsToStanName, stanCsvText } from '../../../src/engine/output/stanCsvWriter';
import type { RunSettings } from '../../../src/engine/output/runOutput';
import { DrawStore } from '../../../src/engine/run/drawStore';

describe('Export Draws: Stan CSV per chain', () => {
  it('names elements as CmdStan does', () => {
    assert.equal(jagsToStanName('mu'), 'mu');
    assert.equal(jagsToStanName('theta[3]'), 'theta.3');
    assert.equal(jagsToStanName('Omega[1, 2]'), 'Omega.1.2');
  });

  it('writes every draw exactly, and reads back under the JAGS names', () => {
    const names = ['mu', 'theta[2]', 'Omega[1,2]'];
    const store = new DrawStore(2, names.length);
    // Two chunks in chain 1 (draws stream in pieces), one in chain 2; values no decimal rounding would keep.
    store.append(0, Float64Array.from([0.1 + 0.2, 1 / 3, -2e-300, Math.PI, Number.NaN, 1e21]));
    store.append(0, Float64Array.from([7, 8, 9]));
    store.append(1, Float64Array.from([-1, Number.POSITIVE_INFINITY, 0.5, 1, 2, 3, 4, 5, 6]));
    const settings = { chains: 2, burnin: 10, iterations: 3, thin: 1, seed: 5 } as RunSettings;
    const first = stanCsvText(store, names, 0, settings, 'a test');
    assert.match(first, /^# Written by Latent[^\n]*\n# model = a test\n(# [^\n]*\n)*mu,theta\.2,Omega\.1\.2\n/);
    const chains = [readStanCsv(first, 'chain-1.csv'), readStanCsv(stanCsvText(store, names, 1, settings, 'a test'), 'chain-2.csv')];
    assert.deepEqual(chains[0]!.names, names);
    assert.deepEqual([...chains[0]!.columns[0]!], [0.1 + 0.2, Math.PI, 7]);
    assert.deepEqual([...chains[0]!.columns[1]!], [1 / 3, Number.NaN, 8]);
    assert.deepEqual([...chains[0]!.columns[2]!], [-2e-300, 1e21, 9]);
    assert.deepEqual([...chains[1]!.columns[1]!], [Number.POSITIVE_INFINITY, 2, 5]);
    assert.equal(joinStanChains(chains).length, 3, 'the chains join by name, as latent diagnose reads them');
  });
});
