import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeRatings } from '../../../scripts/ratingsData';
import { parseSampleArguments } from '../../../src/cli/sample';
import { ModelError } from '../../../src/engine/language/source';
import { formatSummaryTable } from '../../../src/engine/output/summaryTable';
import { prepareChain, sampleChain } from '../../../src/engine/run/chainSession';
import { coverageAt, mergePredictive, NOMINAL_LEVELS, predictiveOutput, type PredictiveSums } from '../../../src/engine/run/predictive';
import { request } from './helpers';
import { bpmfCell } from './ratingsCell';

/*
 * Posterior predictive summaries without kept draws (run/predictive.ts):
 * running means and variances must equal those of the stored draws, chains
 * pool as one sample would, coverage counts the held-out values inside each
 * central normal interval, and `predictive(...)` reads from a cell's monitor
 * and the CLI's --monitor, with clear messages when it is wrong.
 */

const SMALL = makeRatings({ users: 12, items: 15, ratings: 120, rank: 10, seed: 3, leastPerUser: 6, heldOut: 0.2 });

function smallCell(monitor: string): string {
  return bpmfCell(SMALL, 2, `sample with gibbs(chains = 1, burnin = 10, iterations = 200, seed = 4, monitor = c(${monitor}))`);
}

describe('posterior predictive summaries', () => {
  it('equal the mean and E[1/tau] + variance of the stored draws', () => {
    const r = request(smallCell('pred, tau, predictive(pred, tau, rtest)'));
    assert.deepEqual(r.settings.predictive, { mean: 'pred', precision: 'tau', observed: 'rtest' });
    assert.ok(!r.warnings.some((w) => w.message.includes("'rtest'")), 'rtest is used by predictive(...)');
    const session = prepareChain(r, 0);
    const parts: Float64Array[] = [];
    sampleChain(session, r.settings, (_done, draws) => parts.push(draws));
    const width = session.monitors.length;
    const draws = Float64Array.from(parts.flatMap((p) => Array.from(p)));
    const rows = draws.length / width;
    assert.equal(rows, 200);
    const tauColumn = session.monitors.findIndex((m) => m.name === 'tau');
    let inverse = 0;
    for (let s = 0; s < rows; s++) inverse += 1 / draws[s * width + tauColumn]! / rows;
    const sums = session.predictive!.take();
    const output = predictiveOutput(r.settings.predictive!, [sums], r.data, 1);
    assert.equal(output.elements, SMALL.test.length);
    for (let m = 0; m < SMALL.test.length; m++) {
      let mean = 0;
      for (let s = 0; s < rows; s++) mean += draws[s * width + m]! / rows;
      let squares = 0;
      for (let s = 0; s < rows; s++) squares += (draws[s * width + m]! - mean) ** 2;
      assert.ok(Math.abs(output.mean[m]! - mean) < 1e-12 * (1 + Math.abs(mean)), `mean of pred[${m + 1}]`);
      assert.ok(Math.abs(output.variance[m]! - (inverse + squares / (rows - 1))) < 1e-10, `variance of pred[${m + 1}]`);
    }
    // The last point of the RMSE curve is the RMSE of the final predictive means.
    const rmse = Math.sqrt(SMALL.test.reduce((s, t, m) => s + (t.rating - output.mean[m]!) ** 2, 0) / SMALL.test.length);
    assert.ok(Math.abs(output.test!.rmse - rmse) < 1e-12);
    assert.ok(Math.abs(sums.rmse[rows - 1]! - rmse) < 1e-12);
    assert.equal(output.test!.rmse_trace.chains[0]!.length, rows);
  });

  it('pool chains as one sample and count coverage by hand', () => {
    const a = [1, 2, 4], b = [3, 7];
    const part = (xs: number[], inverse: number): PredictiveSums => {
      const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
      return { draws: xs.length, mean: Float64Array.of(mean), squares: Float64Array.of(xs.reduce((s, x) => s + (x - mean) ** 2, 0)), inversePrecision: inverse, rmse: new Float64Array(0) };
    };
    const merged = mergePredictive([part(a, 0.5), part(b, 2)]);
    assert.equal(merged.draws, 5);
    assert.ok(Math.abs(merged.mean[0]! - 17 / 5) < 1e-12);
    assert.ok(Math.abs(merged.squares[0]! - [...a, ...b].reduce((s, x) => s + (x - 17 / 5) ** 2, 0)) < 1e-12);
    assert.ok(Math.abs(merged.inversePrecision - (3 * 0.5 + 2 * 2) / 5) < 1e-12);
    // Four elements with predictive N(0, 1) (noise only) and observed 0.1, 1.0, 1.7, 3: inside the 90 % interval (|z| ≤ 1.645) are three.
    const sums: PredictiveSums = { draws: 1, mean: new Float64Array(4), squares: new Float64Array(4), inversePrecision: 1, rmse: new Float64Array(0) };
    const data = new Map([['y', { dims: [4], values: Float64Array.of(0.1, 1.0, 1.7, Number.NaN) }]]);
    const output = predictiveOutput({ mean: 'p', precision: 't', observed: 'y' }, [sums], data, 1);
    assert.equal(output.test!.missing, 1);
    assert.equal(coverageAt(output, 0.9), 2 / 3);
    assert.equal(coverageAt(output, 0.5), 1 / 3);
    assert.deepEqual(output.test!.coverage.map((c) => c.nominal), NOMINAL_LEVELS);
    assert.match(formatSummaryTable({ schema: 'latent.run/1', status: 'complete', settings: { algorithm: 'gibbs', chains: 1, burnin: 0, iterations: 1, thin: 1, seed: 1, monitor: [] }, progress: { done: 1, total: 1 }, nodes: [], messages: [], timings: { compileMs: 0, sampleMs: 0, totalMs: 0 }, predictive: output }), /against y \(1 missing left out\): test RMSE .*\n.*90 % → 66\.7 %/);
  });

  it('read from the CLI --monitor beside plain names', () => {
    const parsed = parseSampleArguments(['--monitor', 'tau, predictive(pred, tau, rtest),U[1,2]']);
    assert.ok(typeof parsed !== 'string');
    assert.deepEqual(parsed.defaults.monitor, ['tau', 'U[1,2]']);
    assert.deepEqual(parsed.defaults.predictive, { mean: 'pred', precision: 'tau', observed: 'rtest' });
    assert.match(String(parseSampleArguments(['--monitor', 'predictive(pred, 2)'])), /predictive\(\) takes the vector of predicted means/);
  });

  it('say what is wrong with a predictive(...) monitor', () => {
    const problems = (cell: string): string => {
      try {
        prepareChain(request(cell), 0);
        return '';
      } catch (e) {
        assert.ok(e instanceof ModelError, String(e));
        return e.problems.map((p) => p.message).join('\n');
      }
    };
    assert.match(problems(smallCell('tau, predictive(pred, 2, rtest)')), /predictive\(\) takes the vector of predicted means, then optionally the noise precision and the observed values/);
    assert.match(problems(smallCell('predictive(pred), predictive(pred)')), /one predictive\(\.\.\.\) vector/);
    assert.match(problems(smallCell('predictive(preds, tau, rtest)')), /'preds' is not a variable of the model/);
    assert.match(problems(smallCell('predictive(pred, tau, rtests)')), /'rtests' are not given as data/);
    assert.match(problems(smallCell('predictive(pred, tau, rating)')), /rating has \d+ values but pred has \d+ elements/);
    assert.match(problems(smallCell('predictive(pred, muU, rtest)')), /noise precision 'muU' must be a scalar node/);
  });
});
