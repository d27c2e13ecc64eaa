import type { ModelGraph, StochasticNode } from '../model/graph';
import type { VariationalNode } from '../output/fitOutput';

/** The families a variational factor q takes: each that of a complete conditional the conjugacy analysis finds. */
export type FactorFamily = 'normal' | 'truncated normal' | 'gamma' | 'beta' | 'dirichlet' | 'wishart' | 'categorical';

/**
 * One factor of the mean-field posterior q(θ) = Π q_f(θ_f): the nodes it
 * covers (a Gaussian block covers several), its expected sufficient
 * statistics (read by the terms), and its update: the terms that read it
 * add their messages — expected natural parameters — and the factor moves
 * to the member of its family those parameters name (Winn & Bishop 2005).
 */
export interface Factor {
  readonly family: FactorFamily;
  readonly nodes: StochasticNode[];
  /** The terms E_q[log p(node | parents)] that read this factor; its update sums their messages. */
  readonly terms: Term[];
  /** Sets q to the optimum given every other factor (a coordinate-ascent step). Throws FactorError when the result is not a proper distribution. */
  update(): void;
  /** Sets q to a point mass at the model's current values (where a run starts; the first update replaces it). */
  start(): void;
  /** −E_q[log q]. */
  entropy(): number;
  /** Writes E_q[θ] into the model's values (for display and the final point). */
  writeMeans(): void;
  /** One summary per scalar element, named as JAGS names it. */
  summaries(): VariationalNode[];
}

/**
 * One node's share of the bound, E_q[log p(node | parents)], with every
 * discrete unobserved node it reads enumerated under q. `send` adds, for a
 * factor it reads, the expected natural parameters this term contributes to
 * that factor's update.
 */
export interface Term {
  readonly node: StochasticNode;
  expected(): number;
  send(factor: Factor): void;
}

/** A factor whose update gave no proper distribution (an improper prior without enough data, a collapsed component): names the node. */
export class FactorError extends Error {
  constructor(
    readonly node: StochasticNode,
    message: string,
  ) {
    super(message);
  }
}

/** Adds `factor` to the terms' readers once. */
export function subscribe(factor: Factor, term: Term): void {
  if (!factor.terms.includes(term)) factor.terms.push(term);
}

/** A factor over one node: its update clears its message accumulators, adds every reader's message, then sets q from them. */
export abstract class NodeFactor implements Factor {
  abstract readonly family: FactorFamily;
  readonly terms: Term[] = [];
  readonly nodes: StochasticNode[];

  constructor(
    protected readonly graph: ModelGraph,
    readonly node: StochasticNode,
  ) {
    this.nodes = [node];
  }

  update(): void {
    this.clearMessages();
    for (const term of this.terms) term.send(this);
    this.finish();
  }

  protected abstract clearMessages(): void;
  protected abstract finish(): void;
  abstract start(): void;
  abstract entropy(): number;
  abstract writeMeans(): void;
  abstract summaries(): VariationalNode[];
}
