import { readRequest } from '../../../src/engine/job/job';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeRatings } from '../../../scripts/ratingsData';
import { prepareChain, sampleChain } from '../../../src/engine/run/chainSession';
import { coverageAt, predictiveOutput } from '../../../src/engine/run/predictive';
import { TEST_DEFAULTS } from './helpers';
import { bpmfCell } from './ratingsCell';

/*
 * Full BPMF (Salakhutdinov & Mnih 2008) on a small data set of the generator
 * (scripts/ratingsData.ts: 150 users × 200 items, 9,000 ratings, rank 10),
 * with the example's model (D = 10, Normal–Wishart hyperpriors): 200 sweeps,
 * predictive summaries of the ~900 held-out ratings.
 *
 * Coverage: the model is the generating one (up to the clipping of ratings
 * to [1, 5]), so its 90 % predictive intervals cover 90 % of held-out ratings
 * up to the binomial error of n held-out values, sd √(0.9·0.1/n) ≈ 1 %; the
 * test allows 3.5 sd (the intervals' own Monte-Carlo error, from 150 kept
 * draws, is much smaller: the noise variance dominates each interval).
 *
 * RMSE: no predictor beats the noise floor (the RMSE of the true means) by
 * more than its sampling error, sd ≈ floor/√(2n); and the factors must be
 * learnt: the RMSE at most half-way from the floor to that of the training
 * mean predicted for every rating (floor 0.50, training mean 0.94 here; the
 * model reaches 0.63, and covers 88.5 %). Every count is fixed by the seeds.
 */

const DATA = makeRatings({ users: 150, items: 200, ratings: 9000, rank: 10, seed: 5, leastPerUser: 20, heldOut: 0.1 });

const CELL = bpmfCell(DATA, 10, 'sample with gibbs(chains = 1, burnin = 50, iterations = 150, seed = 2, monitor = c(tau, predictive(pred, tau, rtest)))');

describe('BPMF at a small shape', () => {
  it('predicts held-out ratings with calibrated 90 % intervals', () => {
    const request = readRequest('sample', CELL, TEST_DEFAULTS, () => 1);
    const session = prepareChain(request, 0);
    assert.deepEqual(session.samplers.filter((s) => s.label.startsWith('block normal (factor rows')).length, 2);
    sampleChain(session, request.settings, () => undefined);
    const output = predictiveOutput(request.settings.predictive!, [session.predictive!.take()], request.data, 1);
    const n = DATA.test.length;
    const coverage = coverageAt(output, 0.9)!;
    const sd = Math.sqrt((0.9 * 0.1) / n);
    assert.ok(Math.abs(coverage - 0.9) < 3.5 * sd, `90 % intervals cover ${(100 * coverage).toFixed(1)} % of ${n} held-out ratings`);

    const trainingMean = DATA.train.reduce((s, r) => s + r.rating, 0) / DATA.train.length;
    const baseline = Math.sqrt(DATA.test.reduce((s, r) => s + (r.rating - trainingMean) ** 2, 0) / n);
    const rmse = output.test!.rmse;
    assert.ok(rmse > DATA.noiseFloor - (3 * DATA.noiseFloor) / Math.sqrt(2 * n), `RMSE ${rmse} below the noise floor ${DATA.noiseFloor}`);
    assert.ok(rmse < (DATA.noiseFloor + baseline) / 2, `RMSE ${rmse} vs floor ${DATA.noiseFloor} and baseline ${baseline}`);
  });
});
