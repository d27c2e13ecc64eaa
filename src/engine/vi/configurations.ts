import { propagate, type ModelGraph } from '../model/graph';
import type { CategoricalFactor } from './categoricalFactor';

/** The largest number of joint values of the discrete nodes one term reads. */
export const MAX_CONFIGURATIONS = 4096;

/**
 * The joint values of the discrete unobserved nodes one term reads (its own
 * node, if discrete, and the discrete nodes among its parents): the term's
 * expectation is the q-weighted sum over them. Usually one node (z[i] of a
 * mixture) and so as many configurations as components.
 */
export class Configurations {
  readonly count: number;
  /** Per configuration, the index into each factor's support (row-major, configurations × factors). */
  readonly indices: Int32Array;

  constructor(readonly factors: CategoricalFactor[]) {
    const sizes = factors.map((f) => f.values.length);
    this.count = sizes.reduce((a, b) => a * b, 1);
    const n = factors.length;
    this.indices = new Int32Array(this.count * n);
    for (let c = 0; c < this.count; c++) {
      let rest = c;
      for (let j = n - 1; j >= 0; j--) {
        this.indices[c * n + j] = rest % sizes[j]!;
        rest = Math.floor(rest / sizes[j]!);
      }
    }
  }

  /** q's probability of configuration c. */
  weight(c: number): number {
    const { factors, indices } = this;
    const n = factors.length;
    let w = 1;
    for (let j = 0; j < n; j++) w *= factors[j]!.probabilities[indices[c * n + j]!]!;
    return w;
  }

  /** Writes configuration c's values into the model (while a plan probes the term's structure). */
  apply(graph: ModelGraph, c: number): void {
    const { factors, indices } = this;
    const n = factors.length;
    for (let j = 0; j < n; j++) {
      const node = factors[j]!.node;
      node.variable.values[node.offset] = factors[j]!.values[indices[c * n + j]!]!;
      propagate(graph, node);
    }
  }
}
