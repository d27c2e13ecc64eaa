/**
 * `fit with vi(...)` on a Gaussian mixture recognised in the plates
 * (fit/mixturePlate.ts): the model is never unrolled; VI runs on the fused
 * kernels (mixtureAscent.ts) and fills the same fit output as the generic
 * path (runVi.ts) — the ELBO curve, every global element's variational
 * marginal named as JAGS names it, the bound's parts, the starts.
 */
import { openEStep } from '../../em/fitMixture';
import { initialParameters } from '../../em/initialise';
import { findIncompleteRows } from '../../em/rows';
import type { GaussianParameters, MixtureDiagnostic } from '../../em/types';
import { mixturePicture } from '../../fit/mixturePicture';
import type { MixturePlate } from '../../fit/mixturePlate';
import { errorAt } from '../../language/source';
import type { FitDiagnostic, FitOutput, FitStart, VariationalNode } from '../../output/fitOutput';
import { Random } from '../../random/rng';
import type { FitRequest } from '../../run/fitRequest';
import { marginalDensity } from '../density';
import { betaSummary } from '../scalarFactors';
import { wishartSummaries } from '../wishartFactor';
import { ascendMixture, MixtureWorkspace, startMixtureFactors, type MixtureAscentOutcome } from './mixtureAscent';
import { ComponentFactorError, improperPrior, MixtureFactors, type MixturePriors } from './mixtureFactors';
import { expectedRows, identicalComponentGroups, splitStart, symmetricPointOf } from './mixtureSymmetry';
import { effectiveComponents, effectiveComponentsMessage } from '../effectiveComponents';

/** Starts tried when the directive does not say and no start is given (as the shared starts' default for a mixture). */
const DEFAULT_STARTS = 4;
/** At most this many elements get a density by default (`monitor` names others). */
const DEFAULT_MONITORED = 12;
const Z975 = 1.959963984540054;
/** Splits tried off a symmetric point before it is reported (as the generic path's escapes), in standard deviations between neighbours. */
const ESCAPES = 3;
const ESCAPE_SPREADS = [1, 2, 0.5];

export interface MixtureViOptions {
  emWorkerScript?: string;
  workerExecArgv?: string[];
  cancelled: () => boolean;
}

/** The plate's priors as the factors take them; an improper one is refused at its statement. */
export function mixturePriors(plate: MixturePlate): MixturePriors {
  const { family, weightsPrior, columns: d } = plate.problem;
  if (family.kind !== 'gaussian' || !family.meanPrior || !family.precisionPrior || !weightsPrior) throw new Error('a Gaussian mixture plate has its priors');
  const priors: MixturePriors = {
    concentration: weightsPrior.concentration, mean: family.meanPrior.mean, precision: family.meanPrior.precision,
    scale: family.precisionPrior.scale, df: family.precisionPrior.df,
  };
  const improper = improperPrior(priors, d);
  if (improper) throw errorAt(plate.ranges[improper.which], `VI needs a proper prior here: ${improper.why}.`);
  return priors;
}

/** The starts: the given values (one start), else k-means++ (or random responsibilities) per start, seeded as EM's. */
export function mixtureStarts(plate: MixturePlate, request: FitRequest): { count: number; make(start: number): { parameters: GaussianParameters; fromLabels: boolean; method: string } } {
  const { settings } = request;
  const given = plate.givenComponents;
  if (settings.init === 'given') {
    if (!given) throw errorAt(request.initsRange ?? request.directiveRange, `init = "given" needs initial values for ${plate.parameterNames.slice(0, 2).join(' and ')} (w is optional), with positive definite precision matrices.`);
    return { count: 1, make: () => ({ parameters: given, fromLabels: false, method: 'the given initial values' }) };
  }
  const init = settings.init === 'random' ? 'random' : 'kmeans++';
  return {
    count: settings.restarts > 0 ? settings.restarts : DEFAULT_STARTS,
    make(start) {
      const parameters = initialParameters(plate.problem, init, 1e-6, new Random(settings.seed, start), []) as GaussianParameters;
      const rows = `the rows of ${plate.columns[0]!.replace(/\[.*$/, '')} (for ${plate.latent})`;
      return { parameters, fromLabels: true, method: init === 'kmeans++' ? `k-means++ on ${rows}` : `random responsibilities of ${rows}` };
    },
  };
}

export async function fitMixtureVariational(plate: MixturePlate, request: FitRequest, output: FitOutput, options: MixtureViOptions, update: () => void): Promise<void> {
  const { settings } = request;
  const { problem } = plate;
  const { components: K, columns: d, rows } = problem;
  const priors = mixturePriors(plate);
  const starts = mixtureStarts(plate, request);
  const diagnostics: MixtureDiagnostic[] = [];
  const { flags, sorted } = findIncompleteRows(problem.data, rows, d);
  const runner = await openEStep(problem, { data: problem.data, rows, incompleteFlags: flags, incompleteRows: sorted }, {
    threads: settings.threads ?? 1, workerScript: options.emWorkerScript, workerExecArgv: options.workerExecArgv, keepResponsibilities: true,
  }, diagnostics);
  output.engine = `mean-field VI on the Gaussian mixture kernel (K = ${K}, d = ${d}, n = ${rows}): 1 Dirichlet, ${K} normal and ${K} Wishart factors; the responsibilities from the fused E-step`;
  output.objective = { kind: 'elbo', values: [] };
  output.latent = [plate.latent];
  output.parameters = plate.parameterNames;
  try {
    const ws = new MixtureWorkspace(runner, K, d);
    const tried: FitStart[] = [];
    let best: (KernelRun & { index: number }) | undefined;
    for (let start = 0; start < starts.count; start++) {
      const { parameters, fromLabels, method } = starts.make(start);
      const run = await runKernelStart(plate, priors, request, ws, { parameters, fromLabels }, options.cancelled, (iteration, curve) => {
        if (best) return;
        output.iteration = iteration;
        output.objective.values = curve;
        update();
      });
      tried.push({ method, objective: run.outcome.elbo, status: run.symmetric ? 'degenerate (symmetric-point)' : run.outcome.status, iterations: run.outcome.iterations });
      if (!best || betterRun(run, best, settings.tolerance)) best = { ...run, index: start };
      if (run.outcome.status === 'cancelled') break;
    }
    const { factors, outcome, index, symmetric, notes } = best!;
    // One more pass for the responsibilities under the kept factors (hard assignments, the picture).
    const responsibilities = new Float64Array(rows * K);
    factors.pack(ws.packed);
    await runner.run(ws.packed, 1, ws.stats, { rowLogLikelihood: new Float64Array(rows), responsibilities });
    const nodes = describeFactors(plate, factors, output, settings, responsibilities);
    output.start = { chosen: index, starts: tried };
    output.status = symmetric ? 'degenerate' : outcome.status;
    output.converged = !symmetric && outcome.status === 'converged';
    if (symmetric) output.diagnostics = [...(output.diagnostics ?? []), symmetric];
    const effective = effectiveComponents(plate.latent, expectedRows(factors));
    output.iteration = outcome.iterations;
    output.objective.values = outcome.curve;
    const { bound } = outcome;
    output.variational = {
      elbo: outcome.elbo,
      // By variable: z's is E[log p(z | w)] and H[q(z)]; each global variable's holds its prior term and its factors' entropy together.
      contributions: [
        { name: plate.latent, expectedLogDensity: bound.z - bound.entropy, entropy: bound.entropy },
        { name: plate.columns[0]!.replace(/\[.*$/, ''), expectedLogDensity: bound.x, entropy: 0 },
        { name: plate.parameterNames[2]!, expectedLogDensity: bound.weights, entropy: 0 },
        { name: plate.parameterNames[0]!, expectedLogDensity: bound.means, entropy: 0 },
        { name: plate.parameterNames[1]!, expectedLogDensity: bound.precisions, entropy: 0 },
      ],
      nodes, bestRestart: index, restartElbos: tried.map((t) => t.objective), effectiveComponents: [effective],
    };
    const chosen = tried.length > 1 ? ` Start ${index + 1} of ${tried.length} kept (the best ELBO).` : '';
    output.messages.push({ severity: 'info', message: `Started from ${tried[index]!.method}.${chosen}` });
    for (const note of notes) output.messages.push({ severity: 'info', message: note });
    const emptied = effectiveComponentsMessage(effective);
    if (emptied) output.messages.push({ severity: 'info', message: emptied });
    for (const dgn of diagnostics) output.messages.push({ severity: dgn.severity, message: dgn.message, code: dgn.code });
    for (const dec of outcome.decreases) {
      output.messages.push({ severity: 'warning', message: `The ELBO decreased at iteration ${dec.iteration}, from ${dec.from} to ${dec.to}: coordinate ascent never lowers it beyond rounding; please report this model.` });
    }
    if (outcome.status === 'max-iterations') output.messages.push({ severity: 'warning', message: `Stopped after ${outcome.iterations} iterations without reaching tol = ${settings.tolerance}; raise iterations or tol.` });
  } finally {
    await runner.close();
  }
}

/** One start's answer: its factors and ascent, the symmetric point it could not leave (if any), and what the escapes did. */
interface KernelRun {
  factors: MixtureFactors;
  outcome: MixtureAscentOutcome;
  symmetric?: FitDiagnostic;
  notes: string[];
}

/** As the generic path's: a run away from a symmetric point beats one at it; otherwise the higher bound, beyond the tolerance, wins. */
function betterRun(run: KernelRun, than: KernelRun, tolerance: number): boolean {
  if (!run.symmetric !== !than.symmetric) return !run.symmetric;
  const [x, y] = [run.outcome.elbo, than.outcome.elbo];
  return x > y + Math.max(tolerance, 1e-9) * Math.abs(y) || (Number.isNaN(y) && !Number.isNaN(x));
}

/**
 * One start run to convergence. Where it converges with components that hold
 * data and are identical (a symmetric fixed point: the updates keep them
 * identical forever), the components are split along their principal axis
 * and the ascent continues from there, up to ESCAPES times with wider splits;
 * the split is kept when the bound rises. A point it cannot leave is
 * reported, never called converged.
 */
async function runKernelStart(
  plate: MixturePlate, priors: MixturePriors, request: FitRequest, ws: MixtureWorkspace, start: { parameters: GaussianParameters; fromLabels: boolean },
  cancelled: () => boolean, live: (iteration: number, curve: number[]) => void,
): Promise<KernelRun> {
  const { settings } = request;
  const { components: K, columns: d, rows } = plate.problem;
  const ascend = async (parameters: GaussianParameters, fromLabels: boolean): Promise<{ factors: MixtureFactors; outcome: MixtureAscentOutcome }> => {
    const factors = new MixtureFactors(K, d, priors);
    const curve: number[] = [];
    try {
      const bad = startMixtureFactors(factors, parameters, rows, fromLabels, ws);
      if (bad >= 0) throw errorAt(request.initsRange ?? request.directiveRange, `The start's precision of component ${bad + 1} is not positive definite.`);
      const outcome = await ascendMixture(factors, ws, settings, (iteration, elbo) => {
        curve.push(elbo);
        live(iteration, curve);
      }, cancelled);
      return { factors, outcome };
    } catch (e) {
      if (e instanceof ComponentFactorError) throw errorAt(plate.ranges.precisions, `VI stopped: ${e.message} Give the component proper priors, or fewer components.`);
      throw e;
    }
  };
  const symmetricAt = (f: MixtureFactors, outcome: MixtureAscentOutcome): number[][] => (outcome.status === 'converged' ? identicalComponentGroups(f) : []);
  let run = await ascend(start.parameters, start.fromLabels);
  let groups = symmetricAt(run.factors, run.outcome);
  const notes: string[] = [];
  for (let attempt = 0; groups.length && attempt < ESCAPES && !cancelled(); attempt++) {
    const spread = ESCAPE_SPREADS[attempt]!;
    const after = await ascend(splitStart(run.factors, groups, spread), false);
    const found = symmetricPointOf(plate, groups)!.message.replace(/, a .*$/, '');
    if (after.outcome.elbo > run.outcome.elbo) {
      notes.push(`${found} at iteration ${run.outcome.iterations}: split along their principal axis (${spread} sd apart) and continued; the ELBO rose from ${run.outcome.elbo.toFixed(4)} to ${after.outcome.elbo.toFixed(4)}.`);
      run = after;
      groups = symmetricAt(run.factors, run.outcome);
    } else {
      notes.push(`Splitting the identical components ${spread} sd apart did not raise the ELBO.`);
    }
  }
  const symmetric = symmetricPointOf(plate, groups);
  return { ...run, ...(symmetric ? { symmetric } : {}), notes };
}

/**
 * Writes the kept factors into the output: every element's marginal (with
 * densities for the monitored ones), the means as `params`, the hard
 * assignments of the first 10,000 rows and, in 1 or 2 dimensions, the data
 * coloured by responsibility. Returns the marginals.
 */
export function describeFactors(plate: MixturePlate, factors: MixtureFactors, output: FitOutput, settings: FitRequest['settings'], responsibilities: Float64Array): VariationalNode[] {
  const { rows, components: K, columns: d } = plate.problem;
  const nodes = summaries(plate, factors);
  const monitored = settings.monitor ? nodes.filter((n) => settings.monitor!.includes(n.name.replace(/\[.*$/, ''))) : nodes.slice(0, DEFAULT_MONITORED);
  for (const n of monitored) n.density = marginalDensity(n);
  output.params = nodes.map((n) => ({ name: n.name, value: n.mean }));
  output.observations = rows;
  output.assignments = { node: plate.latent, values: Array.from({ length: Math.min(rows, 10_000) }, (_, i) => 1 + argmax(responsibilities, i * K, K)) };
  if (d <= 2) {
    output.mixture = mixturePicture(plate, pictureParameters(factors), responsibilities);
    for (const k of effectiveComponents(plate.latent, expectedRows(factors)).emptied) output.mixture.components[k - 1]!.emptied = true;
  }
  return nodes;
}

function argmax(values: Float64Array, at: number, K: number): number {
  let best = 0;
  for (let k = 1; k < K; k++) if (values[at + k]! > values[at + best]!) best = k;
  return best;
}

/** The components drawn over the data: E[w], E[μ], and E[Ω]⁻¹ as the covariance. */
function pictureParameters(f: MixtureFactors): GaussianParameters {
  const { K, dd } = f;
  const covariances = new Float64Array(K * dd);
  for (let k = 0; k < K; k++) {
    // E[Ω] = νR⁻¹, so E[Ω]⁻¹ = R/ν.
    for (let i = 0; i < dd; i++) covariances[k * dd + i] = f.R[k * dd + i]! / f.df[k]!;
  }
  return { kind: 'gaussian', weights: f.expectedWeights(), means: Float64Array.from(f.mean), covariances };
}

/** Every element's marginal: w[k] (beta margins of the Dirichlet), mu[k, j] (normal), Omega[a, b, k] (Wishart), as the generic factors name them. */
export function summaries(plate: MixturePlate, f: MixtureFactors): VariationalNode[] {
  const { K, d, dd } = f;
  const nodes: VariationalNode[] = [];
  const total = f.alpha.reduce((a, b) => a + b, 0);
  const alpha = Array.from(f.alpha);
  for (let k = 0; k < K; k++) nodes.push(betaSummary(plate.names.weight(k), 'dirichlet', f.alpha[k]!, total - f.alpha[k]!, { alpha }));
  for (let k = 0; k < K; k++) {
    const block = Array.from({ length: d }, (_, j) => plate.names.mean(k, j)).join(', ');
    for (let j = 0; j < d; j++) {
      const m = f.mean[k * d + j]!;
      const variance = f.covariance[k * dd + j * d + j]!;
      const sd = Math.sqrt(variance);
      const parameters: VariationalNode['parameters'] = { mean: m, variance };
      if (d > 1) parameters.block = block;
      nodes.push({ name: plate.names.mean(k, j), family: 'normal', mean: m, sd, lower: m - Z975 * sd, upper: m + Z975 * sd, parameters });
    }
  }
  for (let k = 0; k < K; k++) {
    const names = Array.from({ length: dd }, (_, i) => plate.names.precision(k, Math.floor(i / d), i % d));
    nodes.push(...wishartSummaries(names, d, f.df[k]!, f.R.subarray(k * dd, (k + 1) * dd), f.expectedPrecision.subarray(k * dd, (k + 1) * dd)));
  }
  return nodes;
}
