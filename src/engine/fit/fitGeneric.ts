/**
 * A fit by EM derived from the model's conditionals, from several starts:
 * each start runs to convergence; one that ends at a symmetric point is
 * perturbed and continued while the objective rises; each is checked for
 * degenerate answers; the best objective among the proper answers is kept
 * (among all of them when none is proper), and the output says which start
 * won, how the others ended, and how the kept run stopped.
 */
import { errorAt } from '../language/source';
import { refreshDeterministic } from '../model/compile';
import { elementName, type ModelGraph, type StochasticNode } from '../model/graph';
import { startCurve, type EmBoundRecord, type FitDiagnostic, type FitOutput, type FitParameter, type FitStart } from '../output/fitOutput';
import type { Random } from '../random/rng';
import type { FitRequest } from '../run/fitRequest';
import { planStarts, type StartPlan } from '../starts/proposeStarts';
import { findSymmetricPoint } from '../starts/symmetry';
import { findDegeneracies, isDegenerate } from './degeneracy';
import { appendBound, truncateBound } from './emBound';
import { objectiveAt, ParameterError, prepareGenericEm, runGenericEm, type EmIteration, type EmMachine, type EmOutcome } from './genericEm';
import type { Roles } from './roles';
import { standardErrors } from './standardErrors';
import type { FitOptions } from './runFit';

/** Perturbations tried at a symmetric point before it is reported. */
const ESCAPES = 3;

interface StartRun {
  outcome: EmOutcome;
  curve: number[];
  betas: number[];
  values: Map<StochasticNode, Float64Array>;
  diagnostics: FitDiagnostic[];
  notes: string[];
  bound?: EmBoundRecord;
}

export function fitGeneric(graph: ModelGraph, roles: Roles, request: FitRequest, output: FitOutput, random: Random, options: FitOptions, update: (force?: boolean) => void): void {
  const { settings } = request;
  const withPrior = settings.estimator === 'map';
  const plan = planStarts(graph, roles.latent, roles.parameters, {
    seed: settings.seed, withPrior, inits: request.inits, initsRange: request.initsRange, given: settings.init === 'given',
  });
  const count = settings.restarts > 0 ? settings.restarts : plan.defaultCount;
  let machine: EmMachine;
  try {
    machine = prepareGenericEm(graph, roles, settings, random);
  } catch (e) {
    if (e instanceof ParameterError) throw errorAt(e.node.statement.range, e.message);
    throw e;
  }
  const tried: FitStart[] = [];
  let best: (StartRun & { index: number }) | undefined;
  const live = (curve: number[], betas: number[]) => (report: EmIteration): void => {
    curve.push(report.objective);
    betas.push(report.beta);
    if (best) return;
    output.iteration = curve.length - 1;
    output.objective.values = curve;
    output.objective.beta = betas;
    output.params = parameterValues(roles.parameters);
    update();
  };
  const cancelled = (): boolean => options.signal?.aborted ?? false;
  for (let start = 0; start < count; start++) {
    // init = "random": every start a prior draw (start 0 is the typical values or the given ones).
    const method = plan.apply(settings.init === 'random' ? start + 1 : start);
    const run = runStart(graph, roles, request, plan, machine, live, cancelled);
    tried.push({ method, objective: run.outcome.objectiveValue, status: statusOf(run), iterations: run.curve.length - 1, curve: startCurve(run.curve) });
    if (!best || better(run, best)) best = { ...run, index: start };
    if (run.outcome.status === 'cancelled') break;
  }
  const kept = best!;
  restore(graph, kept.values);
  const errors = kept.outcome.exact && kept.outcome.status !== 'cancelled' && !isDegenerate(kept.diagnostics)
    ? standardErrors(graph, roles.parameters, () => objectiveAt(machine, withPrior), withPrior, rotatableLoadings(roles.parameters, plan))
    : undefined;
  // The latent nodes (assignments) at the kept parameters' posterior, not the last start's.
  machine.estep.run(1);
  machine.estep.centre();
  report(output, roles, kept, tried, settings.maxIterations, settings.tolerance);
  if (errors) {
    output.params.forEach((p, k) => {
      const se = errors.se[k]!;
      if (Number.isFinite(se)) p.se = se;
    });
    if (output.params.some((p) => p.se !== undefined)) output.standardErrors = withPrior ? 'posterior-curvature' : 'observed-information';
    if (errors.note) output.messages.push({ severity: 'info', message: errors.note });
  } else if (!kept.outcome.exact) {
    output.messages.push({ severity: 'info', message: 'No standard errors: a Monte-Carlo E-step gives a noisy objective, whose curvature cannot be differentiated numerically.' });
  }
}

/**
 * Loadings of L ≥ 2 latent factors: matrix parameters whose last dimension is L. A single factor's sign
 * is a discrete symmetry (its SEs hold), but L ≥ 2 factors turn continuously.
 */
function rotatableLoadings(parameters: StochasticNode[], plan: StartPlan): Set<string> {
  const sizes = new Set(plan.structure.factors.map((f) => f.factors).filter((L) => L >= 2));
  return new Set(parameters.filter((n) => n.variable.dims.length === 2 && sizes.has(n.variable.dims[1]!)).map((n) => n.variable.name));
}

/** A proper answer beats a degenerate one; otherwise the higher objective wins. */
function better(run: StartRun, than: StartRun): boolean {
  const [a, b] = [isDegenerate(run.diagnostics), isDegenerate(than.diagnostics)];
  if (a !== b) return b;
  const [x, y] = [run.outcome.objectiveValue, than.outcome.objectiveValue];
  return x > y || (Number.isNaN(y) && !Number.isNaN(x));
}

/** One start run to its end, with the symmetric-point escapes and the degeneracy checks. */
function runStart(
  graph: ModelGraph, roles: Roles, request: FitRequest, plan: StartPlan, machine: EmMachine,
  live: (curve: number[], betas: number[]) => (report: EmIteration) => void, cancelled: () => boolean,
): StartRun {
  const { settings } = request;
  const startValues = snapshot(roles.parameters);
  const curve: number[] = [];
  const betas: number[] = [];
  const notes: string[] = [];
  const em = (): EmOutcome => runGenericEm(machine, roles, settings, live(curve, betas), cancelled);
  let outcome = em();
  const bound = outcome.bound;
  let symmetric = outcome.status === 'converged' ? findSymmetricPoint(graph, plan.structure) : [];
  for (let attempt = 0; symmetric.length && attempt < ESCAPES && !cancelled(); attempt++) {
    const at = snapshot(roles.parameters);
    const before = { outcome, length: curve.length };
    const how = plan.perturb(attempt);
    if (!how) break;
    const after = em();
    const boundLength = bound?.iteration.length ?? 0;
    if (bound && after.bound) appendBound(bound, after.bound, before.length);
    if (after.objectiveValue > before.outcome.objectiveValue + settings.tolerance) {
      notes.push(`${symmetric[0]!.message.replace(/, a .*$/, '')} at iteration ${before.length - 1}: perturbed (${how}) and continued; the objective rose from ${before.outcome.objectiveValue.toFixed(4)} to ${after.objectiveValue.toFixed(4)}.`);
      outcome = after;
      symmetric = after.status === 'converged' ? findSymmetricPoint(graph, plan.structure) : [];
    } else {
      restore(graph, at);
      curve.length = before.length;
      betas.length = before.length;
      if (bound) truncateBound(bound, boundLength);
      notes.push(`A perturbation of the symmetric point (${how}) did not raise the objective.`);
    }
  }
  const diagnostics = [...symmetric, ...findDegeneracies(roles.parameters, startValues, curve, outcome.status === 'max-iterations')];
  return { outcome, curve, betas, values: snapshot(roles.parameters), diagnostics, notes, ...(bound ? { bound } : {}) };
}

function statusOf(run: StartRun): string {
  return isDegenerate(run.diagnostics) ? `degenerate (${run.diagnostics.filter((d) => d.kind !== 'boundary-probability').map((d) => d.kind).join(', ')})` : run.outcome.status;
}

function report(output: FitOutput, roles: Roles, kept: StartRun & { index: number }, tried: FitStart[], maxIterations: number, tolerance: number): void {
  const { outcome } = kept;
  const degenerate = isDegenerate(kept.diagnostics);
  output.start = { chosen: kept.index, starts: tried };
  output.objective.values = kept.curve;
  output.objective.beta = kept.betas;
  output.engine = outcome.engine;
  output.status = degenerate ? 'degenerate' : outcome.status;
  output.converged = !degenerate && outcome.status === 'converged';
  output.iteration = kept.curve.length - 1;
  output.observations = outcome.observations;
  output.parameterCount = freeParameterCount(roles.parameters);
  output.params = parameterValues(roles.parameters);
  output.convergence = {
    stoppedBy: outcome.status === 'converged' ? 'tolerance' : outcome.status === 'max-iterations' ? 'iteration-limit' : outcome.status === 'cancelled' ? 'cancelled' : 'error',
    distance: outcome.exact ? outcome.distance : Number.NaN,
    limit: outcome.limit,
  };
  if (kept.diagnostics.length) output.diagnostics = kept.diagnostics;
  if (kept.bound) output.emBound = kept.bound;
  if (outcome.latentSummaries.length) output.latentSummaries = outcome.latentSummaries;
  const withPrior = output.objective.kind === 'logpost';
  if (outcome.exact) {
    output.loglik = outcome.logLikelihood;
    output.loglikPerSample = outcome.logLikelihood / outcome.observations;
    output.bic = output.parameterCount * Math.log(outcome.observations) - 2 * outcome.logLikelihood;
    output.aic = 2 * output.parameterCount - 2 * outcome.logLikelihood;
  } else {
    output.objective.kind = withPrior ? 'mc-logpost' : 'mc-loglik';
    output.objective.error = outcome.objectiveError;
    output.messages.push({ severity: 'info', message: `Monte-Carlo EM: the objective is the complete-data ${withPrior ? 'log posterior' : 'log-likelihood'} averaged over the E-step's draws, an estimate (standard error ${outcome.objectiveError.toPrecision(2)} at the end, draws taken as independent) that need not rise at every iteration. The observed-data log-likelihood, BIC and AIC are not available.` });
  }
  const stopped = output.convergence.stoppedBy === 'tolerance'
    ? `Stopped by the tolerance: estimated distance of the objective to its limit ${outcome.distance.toExponential(1)} (tol ${tolerance}).`
    : output.convergence.stoppedBy === 'iteration-limit' ? `Stopped at the iteration limit (max.iter = ${maxIterations})${Number.isFinite(outcome.distance) ? `, estimated distance to the limit ${outcome.distance.toExponential(1)}` : ''}.` : undefined;
  if (stopped && outcome.exact) output.messages.push({ severity: output.convergence.stoppedBy === 'tolerance' ? 'info' : 'warning', message: stopped });
  if (tried.length > 1) {
    const others = tried.map((t, k) => `${k + 1}: ${t.method} → ${t.status}, ${formatObjective(t.objective)} after ${t.iterations} iterations`).join('; ');
    output.messages.push({ severity: 'info', message: `${tried.length} starts; kept start ${kept.index + 1}. ${others}.` });
  } else if (tried.length === 1) {
    output.messages.push({ severity: 'info', message: `Start: ${tried[0]!.method}.` });
  }
  for (const note of kept.notes) output.messages.push({ severity: 'info', message: note });
  for (const d of kept.diagnostics) output.messages.push({ severity: 'warning', message: d.message });
  for (const message of outcome.messages) output.messages.push({ severity: /decreased|stopped/.test(message) ? 'warning' : 'info', message });
  const finite = roles.latent.filter((n) => n.distribution.name === 'dcat');
  if (finite.length) output.assignments = { node: finite[0]!.variable.name, values: finite.slice(0, 10_000).map((n) => n.variable.values[n.offset]!) };
}

const formatObjective = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : String(x));

function snapshot(nodes: StochasticNode[]): Map<StochasticNode, Float64Array> {
  return new Map(nodes.map((n) => [n, Float64Array.from(n.offsets, (o) => n.variable.values[o]!)]));
}

function restore(graph: ModelGraph, values: Map<StochasticNode, Float64Array>): void {
  for (const [node, v] of values) node.offsets.forEach((o, k) => (node.variable.values[o] = v[k]!));
  refreshDeterministic(graph);
}

export function parameterValues(nodes: StochasticNode[]): FitParameter[] {
  return nodes.flatMap((n) => Array.from(n.offsets, (o) => ({ name: elementName(n.variable, o), value: n.variable.values[o]! })));
}

/** Free scalars: a Dirichlet loses one to the sum constraint, a symmetric matrix counts its upper triangle. */
function freeParameterCount(nodes: StochasticNode[]): number {
  let count = 0;
  for (const n of nodes) {
    if (n.distribution.name === 'ddirch') count += n.side - 1;
    else if (n.distribution.name === 'dwish') count += (n.side * (n.side + 1)) / 2;
    else count += n.offsets.length;
  }
  return count;
}
