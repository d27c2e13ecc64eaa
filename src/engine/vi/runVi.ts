import { setInitialValues } from '../inference/initialValues';
import { errorAt } from '../language/source';
import type { ModelGraph } from '../model/graph';
import { classifyNodes } from '../fit/roles';
import { startCurve, type EffectiveComponents, type FitDiagnostic, type FitOutput, type FitStart, type VariationalNode, type VariationalResult } from '../output/fitOutput';
import { Random } from '../random/rng';
import { planStarts, type StartPlan } from '../starts/proposeStarts';
import type { MixtureSelector } from '../starts/structure';
import { findSymmetricPoint } from '../starts/symmetry';
import type { FitRequest } from '../run/fitRequest';
import { CategoricalFactor } from './categoricalFactor';
import { annealedAscent } from './annealing';
import { boundContributions, coordinateAscent, type AscentOutcome } from './coordinateAscent';
import { marginalDensity } from './density';
import { effectiveComponents, effectiveComponentsMessage } from './effectiveComponents';
import { FactorError } from './factor';
import { planVariational, type VariationalPlan } from './plan';
import { startFactors } from './starts';

/** Starts off a symmetric point tried before it is reported (as EM's escapes). */
const ESCAPES = 3;

/** At most this many elements get a density by default (`monitor` names others). */
const DEFAULT_MONITORED = 12;

interface Finished {
  outcome: AscentOutcome;
  /** With anneal = TRUE: each sweep's β (1 after annealing). */
  betas?: number[];
  nodes: VariationalNode[];
  contributions: VariationalResult['contributions'];
  assignments?: { node: string; values: number[] };
  /** Where the run converged to a symmetric point (findSymmetricPoint), what it found. */
  symmetric: FitDiagnostic[];
  /** Each mixture's components holding data under q. */
  effective: EffectiveComponents[];
  notes: string[];
}

/**
 * Fits a model by mean-field VI, as one more algorithm of the fit path:
 * `output` is the fit's output (objective kind 'elbo'), filled in place and
 * streamed through `update`. Restarts keep the best bound.
 */
export function fitVariational(graph: ModelGraph, request: FitRequest, output: FitOutput, update: () => void, cancelled: () => boolean): void {
  const { settings } = request;
  // The plan probes the model around a valid point: every node needs a value first.
  setInitialValues(graph, request.inits, request.initsRange);
  const plan = planVariational(graph);
  // EM's split and EM's starts: the same code finds the exchangeable parts and starts off them (src/engine/starts).
  const roles = classifyNodes(graph, request.document.model!.statements, settings.latent, request.directiveRange, settings.parameters);
  const starts = planStarts(graph, roles.latent, roles.parameters, {
    seed: settings.seed, withPrior: true, inits: request.inits, initsRange: request.initsRange, given: settings.init === 'given',
  });
  const count = settings.restarts > 0 ? settings.restarts : starts.defaultCount;
  output.engine = `mean-field VI (coordinate ascent): ${describeFactors(plan)}`;
  output.objective = { kind: 'elbo', values: [] };
  output.latent = [...new Set(plan.factors.filter((f) => f instanceof CategoricalFactor).map((f) => f.nodes[0]!.variable.name))];
  output.parameters = [...new Set(plan.factors.filter((f) => !(f instanceof CategoricalFactor)).flatMap((f) => f.nodes.map((n) => n.variable.name)))];
  const tried: FitStart[] = [];
  let best: (Finished & { index: number }) | undefined;
  for (let start = 0; start < count; start++) {
    // init = "random": every start a prior draw (start 0 is the typical values or the given ones), as for EM.
    const method = starts.apply(settings.init === 'random' ? start + 1 : start);
    const run = runStart(plan, starts, settings, cancelled, (iteration, curve) => {
      if (best) return;
      output.iteration = iteration;
      output.objective.values = curve;
      update();
    });
    tried.push({ method, objective: run.outcome.elbo, status: run.symmetric.length ? 'degenerate (symmetric-point)' : run.outcome.status, iterations: run.outcome.iterations, curve: startCurve(run.outcome.curve) });
    if (!best || better(run, best, settings.tolerance)) best = { ...run, index: start };
    if (run.outcome.status === 'cancelled') break;
  }
  const kept = best!;
  const { outcome } = kept;
  const symmetric = kept.symmetric.length > 0;
  output.start = { chosen: kept.index, starts: tried };
  output.status = symmetric ? 'degenerate' : outcome.status;
  output.converged = !symmetric && outcome.status === 'converged';
  output.iteration = outcome.iterations;
  output.objective.values = outcome.curve;
  if (kept.betas) output.objective.beta = kept.betas;
  output.params = kept.nodes.map((n) => ({ name: n.name, value: n.mean }));
  output.observations = plan.graph.stochastic.filter((n) => n.observed).length;
  if (kept.assignments) output.assignments = kept.assignments;
  if (symmetric) output.diagnostics = [...(output.diagnostics ?? []), ...kept.symmetric];
  output.variational = { elbo: outcome.elbo, contributions: kept.contributions, nodes: kept.nodes, bestRestart: kept.index, restartElbos: tried.map((t) => t.objective) };
  if (kept.effective.length) output.variational.effectiveComponents = kept.effective;
  const chosen = tried.length > 1 ? ` Start ${kept.index + 1} of ${tried.length} kept (the best ELBO).` : '';
  output.messages.push({ severity: 'info', message: `Started from ${tried[kept.index]!.method}.${chosen}` });
  for (const note of kept.notes) output.messages.push({ severity: 'info', message: note });
  for (const e of kept.effective) {
    const emptied = effectiveComponentsMessage(e);
    if (emptied) output.messages.push({ severity: 'info', message: emptied });
  }
  for (const d of outcome.decreases) {
    output.messages.push({ severity: 'warning', message: `The ELBO decreased at iteration ${d.iteration}, from ${d.from} to ${d.to}: coordinate ascent never lowers it beyond rounding; please report this model.` });
  }
  if (outcome.status === 'max-iterations') output.messages.push({ severity: 'warning', message: `Stopped after ${outcome.iterations} iterations without reaching tol = ${settings.tolerance}; raise iterations or tol.` });
}

/**
 * A run away from a symmetric point beats one at it; otherwise the higher
 * bound wins. Bounds within the stopping tolerance (relative, at least 1e-9:
 * a sum over every node rounds at about 1e-12) are the same optimum, and the
 * earlier start is kept — the given values, when there are any.
 */
function better(run: Finished, than: Finished, tolerance: number): boolean {
  if (!run.symmetric.length !== !than.symmetric.length) return !run.symmetric.length;
  const [x, y] = [run.outcome.elbo, than.outcome.elbo];
  return x > y + Math.max(tolerance, 1e-9) * Math.abs(y) || (Number.isNaN(y) && !Number.isNaN(x));
}

/**
 * One start run to convergence from the graph's current values: the factors
 * start as point masses there and the discrete ones are updated first (from
 * the start's parameters). A run that converges where exchangeable parts are
 * identical (a symmetric fixed point of VI as of EM) is moved off it by the
 * shared starts' perturbation and run again, kept when the bound rises.
 */
function runStart(plan: VariationalPlan, starts: StartPlan, settings: FitRequest['settings'], cancelled: () => boolean, live: (iteration: number, curve: number[]) => void): Finished {
  const discrete = new Map(plan.factors.filter((f) => f instanceof CategoricalFactor).map((f) => [f.node, f]));
  // Each component's expected rows under q: emptied components (the answer for surplus ones) are not a symmetric point.
  const occupancy = (m: MixtureSelector): Float64Array | undefined => {
    const rows = new Float64Array(m.components);
    for (const node of m.nodes) {
      const f = discrete.get(node);
      if (!f) return undefined;
      for (let k = 0; k < m.components; k++) rows[k] += f.probabilities[k]!;
    }
    return rows;
  };
  const ascend = (): Finished => {
    startFactors(plan, starts.imputed);
    const curve: number[] = [];
    let outcome: AscentOutcome;
    let betas: number[] | undefined;
    const onSweep = (iteration: number, elbo: number): void => {
      curve.push(elbo);
      live(iteration, curve);
    };
    try {
      if (settings.anneal) {
        // Its own stream: annealing leaves the starts unchanged.
        const annealed = annealedAscent(plan, settings, { start: settings.betaStart ?? 0.1, growth: settings.betaGrowth ?? 1.5 }, onSweep, cancelled, new Random(settings.seed, 7));
        outcome = annealed;
        betas = annealed.betas;
      } else outcome = coordinateAscent(plan, settings, onSweep, cancelled);
    } catch (e) {
      if (e instanceof FactorError) throw errorAt(e.node.statement.range, e.message);
      throw e;
    }
    const run = finish(plan, outcome, settings.monitor);
    if (betas) run.betas = betas;
    // finish wrote the means into the graph: the symmetry check reads the likelihoods there.
    run.symmetric = outcome.status === 'converged' ? findSymmetricPoint(plan.graph, starts.structure, occupancy) : [];
    run.effective = starts.structure.mixtures.flatMap((m) => {
      const rows = occupancy(m);
      return rows ? [effectiveComponents(m.variable, rows)] : [];
    });
    return run;
  };
  let run = ascend();
  for (let attempt = 0; run.symmetric.length && attempt < ESCAPES && !cancelled(); attempt++) {
    const how = starts.perturb(attempt);
    if (!how) break;
    const after = ascend();
    const message = run.symmetric[0]!.message.replace(/, a .*$/, '');
    if (after.outcome.elbo > run.outcome.elbo) {
      after.notes = [...run.notes, `${message} at iteration ${run.outcome.iterations}: restarted from ${how}; the ELBO rose from ${run.outcome.elbo.toFixed(4)} to ${after.outcome.elbo.toFixed(4)}.`];
      run = after;
    } else {
      run.notes.push(`A start off the symmetric point (${how}) did not raise the ELBO.`);
    }
  }
  return run;
}

function finish(plan: VariationalPlan, outcome: AscentOutcome, monitor: string[] | undefined): Finished {
  const nodes = plan.factors.flatMap((f) => f.summaries());
  const monitored = monitor ? nodes.filter((n) => monitor.includes(n.name.replace(/\[.*$/, ''))) : defaultMonitored(plan);
  for (const n of monitored) n.density = marginalDensity(n);
  for (const f of plan.factors) f.writeMeans();
  const finite = plan.factors.filter((f): f is CategoricalFactor => f instanceof CategoricalFactor && f.node.distribution.name === 'dcat');
  const assignments = finite.length ? { node: finite[0]!.node.variable.name, values: finite.slice(0, 10_000).map((f) => f.mode()) } : undefined;
  return { outcome, nodes, contributions: boundContributions(plan), assignments, symmetric: [], effective: [], notes: [] };

  function defaultMonitored(p: VariationalPlan): VariationalNode[] {
    // Per-observation nodes (probit's z[i]) are not shown by default: their variables are long.
    const global = p.factors.filter((f) => !(f instanceof CategoricalFactor) && f.nodes[0]!.variable.values.length <= 100);
    return nodes.filter((n) => global.some((f) => f.nodes.some((m) => n.name === m.name || n.name.startsWith(`${m.variable.name}[`)))).slice(0, DEFAULT_MONITORED);
  }
}

function describeFactors(plan: VariationalPlan): string {
  const counts = new Map<string, number>();
  for (const f of plan.factors) {
    const label = f.family === 'normal' && f.nodes.length > 1 ? 'Gaussian block' : f.family;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts].map(([family, n]) => `${n} ${family} factor${n === 1 ? '' : 's'}`).join(', ');
}
