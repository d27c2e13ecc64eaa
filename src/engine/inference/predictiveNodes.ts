import { propagate, type ModelGraph, type StochasticNode } from '../model/graph';
import type { Random } from '../random/rng';
import { drawFromPrior } from './priorDraws';
import { exactly } from '../collections';
import { ChildReads } from './parameterReads';
import type { Sampler } from './samplers';

/** Distributions drawFromPrior draws exactly (untruncated). */
const DRAWN = new Set([
  'dnorm', 'dgamma', 'dexp', 'dunif', 'dbeta', 'dlnorm', 'dt', 'dlogis', 'ddexp', 'dweib', 'dchisqr', 'dpar',
  'dpois', 'dbern', 'dbin', 'dnegbin', 'dcat', 'ddirch', 'dmulti', 'dmnorm', 'dwish',
]);

/**
 * Unobserved stochastic nodes with no observed descendant (a missing
 * response, a predicted genotype, a replicate for a posterior predictive
 * check) carry no information about the rest of the model: their parents'
 * posterior is the same with them integrated out. As JAGS does, they are
 * left out of their parents' conditionals and drawn from their priors after
 * the other updates. Updating them one site at a time instead is correct in
 * principle but can be reducible: with pen = c(0, 0, 1), y ~ dbern(pen[g])
 * missing and g ~ dcat(...), a single-site sampler never leaves g = 3, y = 1,
 * and the posterior of g comes out wrong without a warning.
 *
 * Prunes those nodes from every node's `children` (so factories made
 * afterwards build conditionals without them) and returns the sampler that
 * draws them, parents first; undefined when there are none.
 */
export function forwardSamplePredictive(graph: ModelGraph): Sampler | undefined {
  const informative = informativeNodes(graph);
  // Only the uninformative nodes are listed: a list of every unobserved node first was 8 MB at a million rows.
  const uninformative: StochasticNode[] = [];
  // By index: run once, a for-of makes an iterator result per element.
  for (let k = 0; k < graph.unobserved.length; k++) {
    const id = graph.unobserved[k]!;
    if (!informative[id]) uninformative.push(graph.stochastic[id]!);
  }
  const predictive = topological(graph, uninformative);
  if (predictive.length === 0) return undefined;
  // Before the pruning below takes them away: the predictive nodes drawn from each one, by position.
  const position = new Map(predictive.map((n, k) => [n.id, k]));
  const children = predictive.map((n) => {
    const among = n.children.filter((c) => position.has(c));
    return among.length ? Int32Array.from(among, (c) => position.get(c)!) : NO_POSITIONS;
  });
  // By index, and through childCount and child: `children` makes a lone child's list (nodeRecords.ts), a list for
  // every latent row of a million-row model that has one predictive node. Nodes that shared a list share its pruned
  // list too (wiring.ts: a regression's coefficients).
  let pruned: { from: number[]; to: number[] } | undefined;
  for (let id = 0; id < graph.stochastic.length; id++) {
    const node = graph.stochastic[id]!;
    let prune = false;
    for (let k = 0; k < node.childCount && !prune; k++) prune = !informative[node.child(k)];
    if (!prune) continue;
    const from = node.children;
    if (pruned?.from !== from) pruned = { from, to: exactly(from.filter((c) => informative[c])) };
    node.children = pruned.to;
  }
  return new PriorDrawSampler(graph, predictive, children);
}

const NO_POSITIONS = new Int32Array(0);

/** The sampler of a chain's predictive nodes, if it has any (assignSamplers puts it last). */
export function predictiveSamplerOf(samplers: Sampler[]): PriorDrawSampler | undefined {
  const last = samplers[samplers.length - 1];
  return last instanceof PriorDrawSampler ? last : undefined;
}

/** Observed nodes, the nodes with an observed descendant, and nodes whose prior cannot be drawn directly (kept in the ordinary samplers). */
function informativeNodes(graph: ModelGraph): Uint8Array {
  // Downwards along `children`, depth first without recursion (a stochastic recursion may be as deep as the data): a
  // node is informative when it is a seed or one of its children is. Upwards from each seed needed every node's
  // parents in compressed rows, 24 MB at a million probit rows.
  const state = new Uint8Array(graph.stochastic.length);
  const path: number[] = [];
  const cursor: number[] = [];
  // A seed is settled when first reached, so each node's own test is made once, not at each step through its children.
  const enter = (id: number): boolean => {
    if (isSeed(graph.stochastic[id]!)) {
      state[id] = INFORMATIVE;
      return false;
    }
    state[id] = ON_PATH;
    path.push(id);
    cursor.push(0);
    return true;
  };
  const finish = (answer: number): void => {
    state[path.pop()!] = answer;
    cursor.pop();
  };
  // By index, not for-of: run once, this loop stays in unoptimised code, where an iterator makes a result per node.
  for (let root = 0; root < state.length; root++) {
    if (state[root] !== UNSEEN || !enter(root)) continue;
    while (path.length) {
      const top = path.length - 1;
      const node = graph.stochastic[path[top]!]!;
      const k = cursor[top]!;
      if (k === node.childCount) {
        finish(UNINFORMATIVE);
        continue;
      }
      const c = node.child(k);
      if (state[c] === UNSEEN && enter(c)) continue;
      if (state[c] === INFORMATIVE) finish(INFORMATIVE);
      else cursor[top] = k + 1;
    }
  }
  // The states become the answer in place: 1 for informative, 0 for not.
  for (let k = 0; k < state.length; k++) state[k] = state[k] === INFORMATIVE ? 1 : 0;
  return state;
}

const UNSEEN = 0;
const ON_PATH = 1;
const UNINFORMATIVE = 2;
const INFORMATIVE = 3;

/** Informative in itself: observed, or a prior drawFromPrior cannot draw exactly (another family, or truncated). */
function isSeed(node: StochasticNode): boolean {
  return node.observed || !DRAWN.has(node.distribution.name) || !!node.lower || !!node.upper;
}

/** The nodes ordered so that each comes after its parents among them. */
function topological(graph: ModelGraph, nodes: StochasticNode[]): StochasticNode[] {
  const members = new Set(nodes.map((n) => n.id));
  const parents = new Map<number, number>(nodes.map((n) => [n.id, 0]));
  for (const n of nodes) for (const c of n.children) if (members.has(c)) parents.set(c, parents.get(c)! + 1);
  const ready = nodes.filter((n) => parents.get(n.id) === 0);
  const order: StochasticNode[] = [];
  while (ready.length) {
    const n = ready.shift()!;
    order.push(n);
    for (const c of n.children) {
      if (!members.has(c)) continue;
      const left = parents.get(c)! - 1;
      parents.set(c, left);
      if (left === 0) ready.push(graph.stochastic[c]!);
    }
  }
  return order;
}

/**
 * Draws the predictive nodes, parents first. Nothing else the sampler
 * updates reads them, so a node that nothing reads between sweeps either
 * need not be drawn in every sweep: once the session has said what it reads
 * (`drawEverySweepOnly`), `update` draws only the nodes read and their
 * predictive ancestors, and `settle` draws the rest when the sampling loop
 * hands the state on. Drawn then, from its parents' current values, a node
 * has the law the last sweep would have given it. Until told, every node is
 * drawn in every sweep.
 */
export class PriorDrawSampler implements Sampler {
  readonly label = 'predictive draw';
  /** Per node, in drawing order: 1 when `update` draws it, 0 when only `settle` does. */
  private readonly everySweep: Uint8Array;
  /** Untruncated scalar normals (Rats' missing weights), drawn without the general path's parameter scratch and lookups by name. */
  private readonly normal: Uint8Array;
  /** The normals' means and precisions, read in place where they are plain elements (parameterReads.ts). */
  private readonly means: ChildReads;
  private readonly precisions: ChildReads;

  constructor(
    private readonly graph: ModelGraph,
    readonly nodes: StochasticNode[],
    /** Per node, the positions in `nodes` of the predictive nodes drawn from it (all after it). */
    private readonly children: Int32Array[],
  ) {
    this.everySweep = new Uint8Array(nodes.length).fill(1);
    this.normal = Uint8Array.from(nodes, (n) => (n.distribution.name === 'dnorm' && !n.lower && !n.upper ? 1 : 0));
    this.means = ChildReads.parameters(graph, nodes, (_, k) => (this.normal[k] ? 0 : -1));
    this.precisions = ChildReads.parameters(graph, nodes, (_, k) => (this.normal[k] ? 1 : -1));
  }

  /**
   * From now on `update` draws only the nodes `read` marks (by stochastic id; 'all' for every node), and the
   * predictive nodes they are drawn from; the others wait for `settle`.
   */
  drawEverySweepOnly(read: Uint8Array | 'all'): void {
    const { nodes, children, everySweep } = this;
    // Backwards through the drawing order: a node's children, which come after it, are marked before it is.
    for (let k = nodes.length - 1; k >= 0; k--) {
      let drawn = read === 'all' || read[nodes[k]!.id] === 1;
      for (let c = 0; c < children[k]!.length && !drawn; c++) drawn = everySweep[children[k]![c]!] === 1;
      everySweep[k] = drawn ? 1 : 0;
    }
  }

  update(random: Random): void {
    this.draw(random, 1);
  }

  /** Draws the nodes `update` leaves alone, so that the state read after the sampling loop is a whole current draw. */
  settle(random: Random): void {
    this.draw(random, 0);
  }

  /** Draws the nodes whose `everySweep` is `which`. */
  private draw(random: Random, which: number): void {
    const { nodes, normal, means, precisions, everySweep } = this;
    for (let k = 0; k < nodes.length; k++) {
      if (everySweep[k] !== which) continue;
      const node = nodes[k]!;
      let drawn: boolean;
      if (normal[k]) {
        const m = means.offsets[k]!, t = precisions.offsets[k]!;
        drawn = drawNormal(node, m >= 0 ? means.arrays[k]![m]! : node.parameter(0), t >= 0 ? precisions.arrays[k]![t]! : node.parameter(1), random);
      } else {
        drawn = drawFromPrior(node, random);
      }
      if (drawn && node.dependents.length > 0) propagate(this.graph, node);
    }
  }
}

/**
 * drawFromPrior for an untruncated normal, drawing the same numbers: a NaN
 * draw (NaN parameters) is tried again, up to 100 times, and an infinite one
 * is not written.
 */
function drawNormal(node: StochasticNode, mean: number, tau: number, random: Random): boolean {
  for (let attempt = 0; attempt < 100; attempt++) {
    const x = mean + random.normal() / Math.sqrt(tau);
    if (Number.isNaN(x)) continue;
    if (!Number.isFinite(x)) return false;
    node.variable.values[node.offset] = x;
    return true;
  }
  return false;
}
