/**
 * `fit with svi(...)` on a Gaussian mixture recognised in the plates: one
 * start (the given values, else k-means++ on the rows, seeded), then
 * stochastic VI over minibatches of the rows in a fresh random order per
 * pass (stochastic.ts). The curve is the ELBO per row, evaluated on all rows
 * at intervals (a fifth of a pass, at least every step for small data), drawn
 * live against the minibatch step.
 */
import { SerialEStep } from '../../em/estep';
import type { MixturePlate } from '../../fit/mixturePlate';
import { errorAt } from '../../language/source';
import type { FitOutput } from '../../output/fitOutput';
import { Random } from '../../random/rng';
import type { FitRequest } from '../../run/fitRequest';
import { rowBlocksOf } from '../../em/online';
import { startMixtureFactors } from './mixtureAscent';
import { ComponentFactorError, MixtureFactors } from './mixtureFactors';
import { expectedRows, identicalComponentGroups, symmetricPointOf } from './mixtureSymmetry';
import { effectiveComponents, effectiveComponentsMessage } from '../effectiveComponents';
import { describeFactors, mixturePriors, mixtureStarts } from './runMixtureVi';
import { shuffledRowBlocks, stochasticAscent } from './stochastic';

/** Evaluations of the full-data bound per pass over the rows. */
const EVALUATIONS_PER_PASS = 5;

export async function fitMixtureStochastic(plate: MixturePlate, request: FitRequest, output: FitOutput, cancelled: () => boolean, update: () => void): Promise<void> {
  const { settings } = request;
  const { problem } = plate;
  const { components: K, columns: d, rows, data } = problem;
  const batchRows = Math.min(settings.batchSize ?? 1000, rows);
  const kappa = settings.kappa ?? 0.6;
  const t0 = settings.t0 ?? 2;
  const epochs = settings.epochs ?? 1;
  const priors = mixturePriors(plate);
  const { make } = mixtureStarts(plate, { ...request, settings: { ...settings, restarts: 1 } });
  const { parameters, method } = make(0);
  const factors = new MixtureFactors(K, d, priors);
  const stepsPerPass = Math.ceil(rows / batchRows);
  output.engine = `stochastic VI on the Gaussian mixture kernel (K = ${K}, d = ${d}, n = ${rows}): minibatches of ${batchRows} rows, step (t + ${t0})^−${kappa}, ${epochs} pass${epochs === 1 ? '' : 'es'}`;
  output.objective = { kind: 'elbo', values: [], steps: [] };
  output.latent = [plate.latent];
  output.parameters = plate.parameterNames;
  try {
    const bad = startMixtureFactors(factors, parameters, rows, true, { stats: new Float64Array(2 + K + K * d + K * d * d), scatter: new Float64Array(K * d * d) });
    if (bad >= 0) throw errorAt(request.initsRange ?? request.directiveRange, `The start's precision of component ${bad + 1} is not positive definite.`);
    const outcome = await stochasticAscent(
      shuffledRowBlocks(data, rows, d, new Random(settings.seed, 1)),
      rowBlocksOf(data, rows, d),
      rows,
      factors,
      { batchRows, kappa, t0, epochs, maxSteps: settings.maxIterations, evaluateEvery: Math.max(1, Math.floor(stepsPerPass / EVALUATIONS_PER_PASS)) },
      (point) => {
        output.iteration = point.step;
        output.objective.values.push(point.elboPerRow);
        output.objective.steps!.push(point.step);
        update();
      },
      cancelled,
    );
    const final = new SerialEStep('gaussian', K, d, { data, rows, incompleteFlags: null, incompleteRows: new Int32Array(0) });
    const packed = new Float64Array(final.packedLength);
    const responsibilities = new Float64Array(rows * K);
    factors.pack(packed);
    await final.run(packed, 1, new Float64Array(final.statsLength), { rowLogLikelihood: null, responsibilities });
    const nodes = describeFactors(plate, factors, output, settings, responsibilities);
    // One start, no escapes: a symmetric point it ends at is reported, and emptied components are counted, as for batch VI.
    const symmetric = symmetricPointOf(plate, identicalComponentGroups(factors));
    const effective = effectiveComponents(plate.latent, expectedRows(factors));
    output.status = symmetric ? 'degenerate' : outcome.status;
    if (symmetric) output.diagnostics = [...(output.diagnostics ?? []), symmetric];
    output.converged = false;
    output.iteration = outcome.steps;
    output.start = { chosen: 0, starts: [{ method, objective: outcome.elbo, status: outcome.status, iterations: outcome.steps }] };
    output.variational = { elbo: outcome.elbo, contributions: [], nodes, bestRestart: 0, restartElbos: [outcome.elbo], effectiveComponents: [effective] };
    output.messages.push({ severity: 'info', message: `Started from ${method}.` });
    const emptied = effectiveComponentsMessage(effective);
    if (emptied) output.messages.push({ severity: 'info', message: emptied });
    if (settings.restarts > 1) output.messages.push({ severity: 'info', message: `svi runs one start (restarts = ${settings.restarts} is for vi): run the cell with other seeds to compare starts.` });
    output.messages.push({
      severity: 'info',
      message: `Stochastic VI: ${outcome.steps} minibatch steps over ${outcome.epochs} pass${outcome.epochs === 1 ? '' : 'es'}; the curve is the ELBO per row, evaluated on all ${rows} rows every ${Math.max(1, Math.floor(stepsPerPass / EVALUATIONS_PER_PASS))} steps (q(z) optimal for the global factors then). Final ELBO ${outcome.elbo.toFixed(4)}, ${(outcome.elbo / rows).toFixed(6)} per row.`,
    });
  } catch (e) {
    if (e instanceof ComponentFactorError) throw errorAt(plate.ranges.precisions, `SVI stopped: ${e.message} Give the component proper priors, fewer components, or larger minibatches.`);
    throw e;
  }
}
