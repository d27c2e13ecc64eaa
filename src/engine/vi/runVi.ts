import { setInitialValues } from '../inference/initialValues';
import { errorAt } from '../language/source';
import type { ModelGraph } from '../model/graph';
import type { FitOutput, VariationalNode, VariationalResult } from '../output/fitOutput';
import { Random } from '../random/rng';
import type { FitRequest } from '../run/fitRequest';
import { CategoricalFactor } from './categoricalFactor';
import { boundContributions, coordinateAscent, type AscentOutcome } from './coordinateAscent';
import { marginalDensity } from './density';
import { FactorError } from './factor';
import { planVariational, type VariationalPlan } from './plan';
import { startFactors } from './starts';

/** At most this many elements get a density by default (`monitor` names others). */
const DEFAULT_MONITORED = 12;

interface Finished {
  outcome: AscentOutcome;
  nodes: VariationalNode[];
  contributions: VariationalResult['contributions'];
  assignments?: { node: string; values: number[] };
  started: string;
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
  const random = new Random(settings.seed, 0);
  output.engine = `mean-field VI (coordinate ascent): ${describeFactors(plan)}`;
  output.objective = { kind: 'elbo', values: [] };
  output.latent = [...new Set(plan.factors.filter((f) => f instanceof CategoricalFactor).map((f) => f.nodes[0]!.variable.name))];
  output.parameters = [...new Set(plan.factors.filter((f) => !(f instanceof CategoricalFactor)).flatMap((f) => f.nodes.map((n) => n.variable.name)))];
  const restartElbos: number[] = [];
  let best: Finished | undefined;
  let bestRestart = 0;
  for (let restart = 0; restart < Math.max(1, settings.restarts); restart++) {
    const randomStart = restart > 0 || settings.init === 'random';
    setInitialValues(graph, request.inits, request.initsRange, randomStart && settings.init !== 'given' ? random : undefined);
    const started = startFactors(plan, restart > 0 && settings.init === 'given' ? 'random' : settings.init, random);
    const curve: number[] = [];
    let outcome: AscentOutcome;
    try {
      outcome = coordinateAscent(plan, settings, (iteration, elbo) => {
        curve.push(elbo);
        if (best) return;
        output.iteration = iteration;
        output.objective.values = curve;
        update();
      }, cancelled);
    } catch (e) {
      if (e instanceof FactorError) throw errorAt(e.node.statement.range, e.message);
      throw e;
    }
    restartElbos.push(outcome.elbo);
    if (!best || outcome.elbo > best.outcome.elbo) {
      best = finish(plan, outcome, settings.monitor, started);
      bestRestart = restart;
    }
    if (outcome.status === 'cancelled') break;
  }
  const kept = best!;
  const { outcome } = kept;
  output.status = outcome.status;
  output.converged = outcome.status === 'converged';
  output.iteration = outcome.iterations;
  output.objective.values = outcome.curve;
  output.params = kept.nodes.map((n) => ({ name: n.name, value: n.mean }));
  output.observations = plan.graph.stochastic.filter((n) => n.observed).length;
  if (kept.assignments) output.assignments = kept.assignments;
  output.variational = { elbo: outcome.elbo, contributions: kept.contributions, nodes: kept.nodes, bestRestart, restartElbos };
  const restarts = restartElbos.length > 1 ? ` Start ${bestRestart + 1} of ${restartElbos.length} kept (the best ELBO).` : '';
  if (kept.started || restarts) output.messages.push({ severity: 'info', message: `${kept.started ? `Discrete nodes started from ${kept.started}.` : ''}${restarts}`.trim() });
  for (const d of outcome.decreases) {
    output.messages.push({ severity: 'warning', message: `The ELBO decreased at iteration ${d.iteration}, from ${d.from} to ${d.to}: coordinate ascent never lowers it beyond rounding; please report this model.` });
  }
  if (outcome.status === 'max-iterations') output.messages.push({ severity: 'warning', message: `Stopped after ${outcome.iterations} iterations without reaching tol = ${settings.tolerance}; raise iterations or tol.` });
}

function finish(plan: VariationalPlan, outcome: AscentOutcome, monitor: string[] | undefined, started: string): Finished {
  const nodes = plan.factors.flatMap((f) => f.summaries());
  const monitored = monitor ? nodes.filter((n) => monitor.includes(n.name.replace(/\[.*$/, ''))) : defaultMonitored(plan);
  for (const n of monitored) n.density = marginalDensity(n);
  for (const f of plan.factors) f.writeMeans();
  const finite = plan.factors.filter((f): f is CategoricalFactor => f instanceof CategoricalFactor && f.node.distribution.name === 'dcat');
  const assignments = finite.length ? { node: finite[0]!.node.variable.name, values: finite.slice(0, 10_000).map((f) => f.mode()) } : undefined;
  return { outcome, nodes, contributions: boundContributions(plan), assignments, started };

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
