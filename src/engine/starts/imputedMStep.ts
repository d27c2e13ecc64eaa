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
 * that parameters read by each other settle. The updates are built once
 * (graph analysis), then `run` from each guess; `run` is false when some
 * parameter has no M-step (then the caller keeps its own start).
 */
export class ImputedMStep {
  private readonly weight: Float64Array;
  private selectors: ImputedSelector[] = [];
  private made?: ReturnType<typeof buildParameterUpdates>;

  constructor(
    private readonly graph: ModelGraph,
    private readonly parameters: StochasticNode[],
    private readonly withPrior: boolean,
  ) {
    this.weight = new Float64Array(graph.stochastic.length);
  }

  private forEachPoint(visit: (weight: Float64Array) => void): void {
    const { graph, weight, selectors } = this;
    const points = Math.max(1, ...selectors.map((s) => s.components));
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
  }

  run(selectors: ImputedSelector[]): boolean {
    const { graph, withPrior } = this;
    this.selectors = selectors;
    this.made ??= buildParameterUpdates(graph, this.parameters, (node) => (): number => {
      let total = 0;
      this.forEachPoint((w) => (total += localLogDensity(graph, node, withPrior, w)));
      return total;
    });
    if ('reason' in this.made) return false;
    for (let sweep = 0; sweep < 3; sweep++) {
      for (const update of this.made.updates) {
        update.begin();
        this.forEachPoint((w) => update.accumulate(w, withPrior));
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
}
