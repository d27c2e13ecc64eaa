import { buildParameterUpdates, localLogDensity } from '../fit/parameterUpdates';
import { propagate, type ModelGraph, type StochasticNode } from '../model/graph';

/** Soft values of a finite latent variable: responsibilities[i·K + k] that nodes[i] takes first[i] + k. */
export interface ImputedSelector {
  nodes: StochasticNode[];
  first: number[];
  components: number;
  responsibilities: Float64Array;
}

/**
 * Sets the parameters to the mode of their complete conditionals with the
 * latent nodes imputed — finite ones by the given responsibilities, the
 * others at their current values — as the M-step would from that E-step.
 * This turns a data-driven guess of the latents (k-means++ clusters, PCA
 * scores) into parameters of any family the M-step knows. A few sweeps, so
 * that parameters read by each other settle. False when some parameter has
 * no M-step (then the caller keeps its own start).
 */
export function mStepFromImputed(graph: ModelGraph, parameters: StochasticNode[], withPrior: boolean, selectors: ImputedSelector[]): boolean {
  const weight = new Float64Array(graph.stochastic.length);
  const points = Math.max(1, ...selectors.map((s) => s.components));
  const forEachPoint = (visit: (weight: Float64Array) => void): void => {
    for (let s = 0; s < points; s++) {
      weight.fill(s === 0 ? 1 : 0);
      for (const sel of selectors) {
        sel.nodes.forEach((node, i) => {
          const w = s < sel.components ? sel.responsibilities[i * sel.components + s]! : 0;
          node.variable.values[node.offset] = sel.first[i]! + Math.min(s, sel.components - 1);
          propagate(graph, node);
          weight[node.id] = w;
          for (const c of node.children) weight[c] = w;
        });
      }
      visit(weight);
    }
  };
  const expected = (node: StochasticNode) => (): number => {
    let total = 0;
    forEachPoint((w) => (total += localLogDensity(graph, node, withPrior, w)));
    return total;
  };
  const made = buildParameterUpdates(graph, parameters, expected);
  if ('reason' in made) return false;
  for (let sweep = 0; sweep < 3; sweep++) {
    for (const update of made.updates) {
      update.begin();
      forEachPoint((w) => update.accumulate(w, withPrior));
      update.apply(1e-6);
    }
  }
  for (const sel of selectors) {
    sel.nodes.forEach((node, i) => {
      let best = 0;
      for (let k = 1; k < sel.components; k++) if (sel.responsibilities[i * sel.components + k]! > sel.responsibilities[i * sel.components + best]!) best = k;
      node.variable.values[node.offset] = sel.first[i]! + best;
      propagate(graph, node);
    });
  }
  return true;
}
