/**
 * Batch EM for a finite mixture: restarts, optional deterministic annealing,
 * then plain EM to convergence, the objective recorded at every iteration,
 * and a final evaluation (per-row log-likelihood, responsibilities, BIC, AIC)
 * of the best restart.
 *
 * Iteration t runs the E-step at θ_(t−1) (giving its objective and the
 * statistics) and the M-step to θ_t; it has converged when the mean
 * objective per row changed by less than `tolerance` since iteration t − 1.
 * This is scikit-learn's GaussianMixture loop, so iteration counts and the
 * final mean log-likelihood (its score()) compare one to one.
 */
import { ConvergenceMonitor } from '../fit/convergence';
import { Random } from '../random/rng';
import { annealingBetas, holdShapes, jitter } from './annealing';
import type { EStepRunner, RowSet } from './estep';
import { SerialEStep } from './estep';
import { EStepPool } from './estepPool';
import { cloneParameters, familyModel, type FamilyModel } from './family';
import { givenParameters, initialParameters } from './initialise';
import type { MStepEvent } from './mStep';
import { NO_OUTPUTS, findIncompleteRows, type RowOutputs } from './rows';
import { STAT_LOG_LIKELIHOOD, STAT_TEMPERED } from './statsLayout';
import type {
  Initialisation, IterationReport, MixtureDiagnostic, MixtureFit, MixtureOptions, MixtureOutcome, MixtureParameters, MixtureProblem, RestartSummary,
} from './types';
import { validateProblem } from './validate';

/**
 * A decrease of the objective larger than this fraction of its size is not
 * rounding. Summing 10⁵ row terms loses about √n·ε·|L| ≈ 10⁻¹³·|L|, and
 * reg_covar's departure from the exact M-step costs O(reg²) per row; 10⁻⁹ is
 * far above both and far below any real EM step.
 */
export const DECREASE_TOLERANCE = 1e-9;

interface Settings {
  map: boolean;
  regCovar: number;
  tolerance: number;
  maxIterations: number;
  restarts: number;
  init: Initialisation;
  seed: number;
  betas: number[];
  iterationsPerStep: number;
  keepResponsibilities: boolean;
  distanceTolerance?: number;
}

function resolveSettings(o: MixtureOptions): Settings {
  return {
    map: o.estimator === 'map',
    regCovar: o.regCovar ?? 1e-6,
    tolerance: o.tolerance ?? 1e-3,
    maxIterations: o.maxIterations ?? 100,
    restarts: o.restarts ?? 1,
    init: o.init ?? 'kmeans++',
    seed: o.seed ?? 0,
    betas: annealingBetas(o.annealing),
    iterationsPerStep: o.annealing?.iterationsPerStep ?? 100,
    keepResponsibilities: o.keepResponsibilities ?? true,
    distanceTolerance: o.distanceTolerance,
  };
}

interface RestartRun {
  parameters: MixtureParameters;
  status: MixtureFit['status'];
  iterations: number;
  curve: number[];
  betas: number[];
  logLikelihood: number;
  objective: number;
  outputs: RowOutputs;
  diagnostics: MixtureDiagnostic[];
}

interface Context {
  problem: MixtureProblem;
  settings: Settings;
  model: FamilyModel;
  runner: EStepRunner;
  signal: AbortSignal | undefined;
  onIteration: ((report: IterationReport) => void) | undefined;
}

export async function fitMixture(problem: MixtureProblem, options: MixtureOptions = {}, onIteration?: (report: IterationReport) => void): Promise<MixtureOutcome> {
  const started = performance.now();
  const errors = validateProblem(problem, options);
  if (errors.length) return { ok: false, diagnostics: errors };
  const settings = resolveSettings(options);
  const diagnostics: MixtureDiagnostic[] = [];
  const model = familyModel(problem, { map: settings.map, regCovar: settings.regCovar });
  const { flags, sorted } = findIncompleteRows(problem.data, problem.rows, problem.columns);
  const rowSet: RowSet = { data: problem.data, rows: problem.rows, incompleteFlags: flags, incompleteRows: sorted };
  const runner = await openEStep(problem, rowSet, options, diagnostics);
  try {
    const given = typeof settings.init !== 'string';
    if (given && settings.restarts > 1) {
      diagnostics.push({ severity: 'info', code: 'restarts-ignored', message: `Every restart would start from the given values and end alike: one run instead of ${settings.restarts}.` });
    }
    const context: Context = { problem, settings, model, runner, signal: options.signal, onIteration };
    const restarts: RestartSummary[] = [];
    let best: RestartRun | undefined;
    let kept = 0;
    for (let restart = 0; restart < (given ? 1 : settings.restarts); restart++) {
      if (best && options.signal?.aborted) break;
      const run = await runRestart(context, restart);
      restarts.push({ restart, objective: run.objective, iterations: run.iterations, converged: run.status === 'converged', curve: run.curve });
      if (!best || run.objective > best.objective || (Number.isNaN(best.objective) && !Number.isNaN(run.objective))) {
        best = run;
        kept = restart;
      }
    }
    return { ok: true, fit: finish(best!, kept, restarts, problem, model, [...diagnostics, ...best!.diagnostics], started) };
  } finally {
    await runner.close();
  }
}

export async function openEStep(problem: MixtureProblem, rowSet: RowSet, options: MixtureOptions, diagnostics: MixtureDiagnostic[]): Promise<EStepRunner> {
  const { components: K, columns: d } = problem;
  const threads = options.threads ?? 1;
  const serial = (): EStepRunner => new SerialEStep(problem.family.kind, K, d, rowSet);
  if (threads <= 1 || problem.rows < (options.parallelMinRows ?? 20000)) return serial();
  const unavailable = (why: string): EStepRunner => {
    diagnostics.push({ severity: 'warning', code: 'threads-unavailable', message: `The E-step runs on one thread: ${why}` });
    return serial();
  };
  if (!options.workerScript) return unavailable('no worker script was given.');
  try {
    return await EStepPool.start(problem.family.kind, K, d, rowSet, {
      threads,
      workerScript: options.workerScript,
      ...(options.workerExecArgv ? { workerExecArgv: options.workerExecArgv } : {}),
      rowOutputs: true,
      responsibilities: options.keepResponsibilities ?? true,
    });
  } catch (e) {
    return unavailable(`the workers did not start (${e instanceof Error ? e.message : String(e)}).`);
  }
}

async function runRestart(context: Context, restart: number): Promise<RestartRun> {
  const { problem, settings, model, runner } = context;
  const n = problem.rows;
  const diagnostics: MixtureDiagnostic[] = [];
  const reported = new Set<string>();
  const report = (key: string, diagnostic: MixtureDiagnostic): void => {
    if (reported.has(key)) return;
    reported.add(key);
    diagnostics.push({ ...diagnostic, restart });
  };
  const startEvents: MStepEvent[] = [];
  let parameters =
    typeof settings.init === 'string'
      ? initialParameters(problem, settings.init, settings.regCovar, new Random(settings.seed, restart), startEvents)
      : givenParameters(settings.init);
  noteEvents(startEvents, 0, report);
  let next = model.allocate();
  let lastGood = cloneParameters(parameters);
  const packed = new Float64Array(runner.packedLength);
  const stats = new Float64Array(runner.statsLength);
  const curve: number[] = [];
  const betas: number[] = [];
  let iteration = 0;

  const eStep = async (beta: number, outputs: RowOutputs): Promise<{ logLikelihood: number; objective: number; tempered: number }> => {
    const failed = model.pack(parameters, packed);
    if (failed >= 0) return { logLikelihood: Number.NaN, objective: Number.NaN, tempered: Number.NaN };
    await runner.run(packed, beta, stats, outputs);
    const prior = model.logPrior(parameters);
    return { logLikelihood: stats[STAT_LOG_LIKELIHOOD]!, objective: stats[STAT_LOG_LIKELIHOOD]! + prior, tempered: stats[STAT_TEMPERED]! + prior };
  };
  /** The M-step; true when a covariance had to be repaired (then the objective may legitimately drop). */
  const mStep = (annealing = false): boolean => {
    const events: MStepEvent[] = [];
    model.update(stats, parameters, next, events);
    if (annealing) holdShapes(parameters, next);
    [lastGood, parameters, next] = [parameters, next, lastGood];
    noteEvents(events, iteration, report);
    return events.some((e) => e.kind === 'singular');
  };
  const record = (beta: number, logLikelihood: number, objective: number): void => {
    curve.push(objective);
    betas.push(beta);
    context.onIteration?.({ restart, iteration, beta, logLikelihood, objective });
  };
  const fail = (): RestartRun => {
    report('numerical-failure', {
      severity: 'error',
      code: 'numerical-failure',
      message: `The objective is not finite at iteration ${iteration}; the run stopped with the parameters of the iteration before.`,
      iteration,
    });
    return {
      parameters: lastGood, status: 'stopped', iterations: iteration, curve, betas, logLikelihood: Number.NaN, objective: Number.NaN,
      outputs: NO_OUTPUTS, diagnostics,
    };
  };

  let status: MixtureFit['status'] = 'max-iterations';
  // Its own stream, so that annealing leaves the starts of the restarts unchanged.
  const annealingRandom = new Random(settings.seed, settings.restarts + restart);
  annealing: for (const beta of settings.betas) {
    let previous = Number.NaN;
    for (let step = 0; step < settings.iterationsPerStep; step++) {
      if (context.signal?.aborted) {
        status = 'cancelled';
        break annealing;
      }
      iteration++;
      const e = await eStep(beta, NO_OUTPUTS);
      if (!Number.isFinite(e.objective)) return fail();
      record(beta, e.logLikelihood, e.objective);
      mStep(true);
      if (Math.abs(e.tempered - previous) / n < settings.tolerance) break;
      previous = e.tempered;
    }
    jitter(parameters, problem.components, problem.columns, annealingRandom);
  }
  let previousObjective = Number.NaN;
  let repaired = false;
  const monitor = settings.distanceTolerance === undefined ? undefined : new ConvergenceMonitor(settings.distanceTolerance);
  for (let step = 0; step < settings.maxIterations && status !== 'cancelled'; step++) {
    if (context.signal?.aborted) {
      status = 'cancelled';
      break;
    }
    iteration++;
    const e = await eStep(1, NO_OUTPUTS);
    if (!Number.isFinite(e.objective)) return fail();
    record(1, e.logLikelihood, e.objective);
    if (!repaired) checkDecrease(previousObjective, e.objective, iteration, report);
    repaired = mStep();
    const change = (e.objective - previousObjective) / n;
    previousObjective = e.objective;
    monitor?.push(e.objective);
    if (monitor ? monitor.converged() : Math.abs(change) < settings.tolerance) {
      status = 'converged';
      break;
    }
  }
  if (status === 'max-iterations') {
    report('not-converged', {
      severity: 'warning',
      code: 'not-converged',
      message: `EM did not converge in ${settings.maxIterations} iterations (${monitor ? `tolerance ${settings.distanceTolerance} on the objective's estimated distance to its limit` : `tolerance ${settings.tolerance} on the mean objective per row`}): raise maxIterations or the tolerance.`,
    });
  }
  const outputs: RowOutputs = {
    rowLogLikelihood: new Float64Array(n),
    responsibilities: settings.keepResponsibilities ? new Float64Array(n * problem.components) : null,
  };
  const final = await eStep(1, outputs);
  if (!Number.isFinite(final.objective)) return fail();
  if (!repaired && status !== 'cancelled') checkDecrease(previousObjective, final.objective, iteration + 1, report);
  curve.push(final.objective);
  betas.push(1);
  return { parameters, status, iterations: iteration, curve, betas, logLikelihood: final.logLikelihood, objective: final.objective, outputs, diagnostics };
}

function checkDecrease(previous: number, current: number, iteration: number, report: (key: string, d: MixtureDiagnostic) => void): void {
  if (!(current < previous - DECREASE_TOLERANCE * Math.max(1, Math.abs(previous)))) return;
  report('objective-decrease', {
    severity: 'warning',
    code: 'objective-decrease',
    message:
      `The objective decreased by ${(previous - current).toPrecision(3)} at iteration ${iteration}, beyond rounding. ` +
      'Plain EM never decreases it, so this points to a numerical problem (a nearly singular covariance) or a bug.',
    iteration,
  });
}

function noteEvents(events: MStepEvent[], iteration: number, report: (key: string, d: MixtureDiagnostic) => void): void {
  for (const e of events) {
    const k = e.component;
    const when = iteration === 0 ? 'at the start' : `at iteration ${iteration}`;
    if (e.kind === 'empty') {
      report(`empty:${k}`, {
        severity: 'warning',
        code: 'empty-component',
        message:
          `Component ${k + 1} is empty ${when} (no row has a responsibility for it): its weight goes to 0 and its other parameters keep their last values. ` +
          'Try fewer components or another start.',
        component: k,
        iteration,
      });
    } else {
      report(`singular:${k}`, {
        severity: 'warning',
        code: 'singular-covariance',
        message:
          `The covariance of component ${k + 1} is singular ${when} (its rows lie on a lower-dimensional set, or it holds too few rows)` +
          (Number.isNaN(e.ridge!) ? ': it was reset to a multiple of the identity.' : `: ${e.ridge!.toPrecision(2)} was added to its diagonal.`) +
          ' A larger regCovar avoids this.',
        component: k,
        iteration,
      });
    }
  }
}

function finish(
  run: RestartRun,
  kept: number,
  restarts: RestartSummary[],
  problem: MixtureProblem,
  model: FamilyModel,
  diagnostics: MixtureDiagnostic[],
  started: number,
): MixtureFit {
  const n = problem.rows;
  const K = problem.components;
  const p = model.parameterCount;
  const responsibilities = run.outputs.responsibilities ?? undefined;
  let assignments: Int32Array | undefined;
  if (responsibilities) {
    assignments = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let k = 1; k < K; k++) if (responsibilities[i * K + k]! > responsibilities[i * K + best]!) best = k;
      assignments[i] = best;
    }
  }
  return {
    parameters: run.parameters,
    status: run.status,
    converged: run.status === 'converged',
    iterations: run.iterations,
    objectiveCurve: Float64Array.from(run.curve),
    betaCurve: Float64Array.from(run.betas),
    logLikelihood: run.logLikelihood,
    meanLogLikelihood: run.logLikelihood / n,
    objective: run.objective,
    parameterCount: p,
    bic: -2 * run.logLikelihood + p * Math.log(n),
    aic: -2 * run.logLikelihood + 2 * p,
    perSampleLogLikelihood: run.outputs.rowLogLikelihood ?? new Float64Array(0),
    ...(responsibilities ? { responsibilities } : {}),
    ...(assignments ? { assignments } : {}),
    restarts,
    keptRestart: kept,
    diagnostics,
    seconds: (performance.now() - started) / 1000,
  };
}
