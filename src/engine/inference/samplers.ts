import type { ModelGraph, StochasticNode } from '../model/graph';
import type { Random } from '../random/rng';
import { CensoredNormalSampler, isCensoredNormal } from './censoredNormalSampler';
import { analyzeConditional } from './conditionals';
import { ConjugateSampler, DirichletSampler, GaussianBlockSampler, WishartSampler } from './conjugateSamplers';
import { analyzeDirichlet } from './dirichletConditional';
import { FiniteSampler } from './finiteSampler';
import { finiteSupport, MAX_ENUMERATED } from './finiteSupport';
import { factorRowsFactory } from './factorRows';
import { ratingScalarFactory } from './ratingScalars';
import { GammaShapeSliceSampler, gammaShapeChildren } from './gammaShapeSlice';
import { GaussianBlock, gaussianBlockChildren } from './gaussianBlock';
import { movingParentCount } from './parents';
import { lowerBound } from '../collections';
import { ScaleExpansion } from './scaleExpansion';
import { SimplexSliceSampler, SliceSampler } from './sliceSamplers';
import { claimSumTerms } from './sumSampler';
import { analyzeWishart } from './wishartConditional';

/** Updates some nodes of the graph by one Gibbs step. */
export interface Sampler {
  /** What users see in the output, e.g. "conjugate normal". */
  readonly label: string;
  readonly nodes: StochasticNode[];
  update(random: Random): void;
  /** Called after each burn-in iteration; samplers that adapt do it here only. */
  adapt?(): void;
  /**
   * Called when the sampling loop hands the state on (the end of a run or of an update command): a sampler whose
   * `update` leaves nodes nobody reads undrawn (predictiveNodes.ts) draws them here.
   */
  settle?(random: Random): void;
}

/**
 * Makes samplers for a node if the graph's structure around it allows;
 * factories are tried in a fixed order, most specific first, as in JAGS.
 * A factory may claim several nodes at once (a block); `free` tells which
 * nodes no sampler has claimed yet.
 */
export interface SamplerFactory {
  readonly name: string;
  claim(graph: ModelGraph, node: StochasticNode, free: (n: StochasticNode) => boolean): Sampler[] | undefined;
}

const childrenOf = (graph: ModelGraph, node: StochasticNode): StochasticNode[] => node.children.map((id) => graph.stochastic[id]!);

/**
 * The unobserved, untruncated scalar normal nodes that could share all their
 * children with another such node, grouped by first child (ascending) and in
 * statement order within a group. A node whose first child has no other
 * moving parent is left out: it can be in no block. Built once per graph,
 * in typed arrays as long as the nodes listed (none for a probit's latent
 * rows, whose y[i] reads z[i] alone; arrays as long as all the nodes were
 * 16 MB at a million rows).
 */
interface NormalGroups {
  firstChild: Int32Array;
  node: Int32Array;
}

const groupsByGraph = new WeakMap<ModelGraph, NormalGroups>();

function normalGroups(graph: ModelGraph): NormalGroups {
  let groups = groupsByGraph.get(graph);
  if (groups) return groups;
  const listed: number[] = [];
  // By index: run once, a for-of makes an iterator result per element.
  for (let k = 0; k < graph.unobserved.length; k++) {
    const id = graph.unobserved[k]!;
    const n = graph.stochastic[id]!;
    // childCount and child, not `children`: a node keeping a lone child as its id would make its list (nodeRecords.ts).
    if (n.distribution.name !== 'dnorm' || n.statement.truncation || n.childCount === 0) continue;
    if (movingParentCount(graph, n.child(0)) >= 2) listed.push(id);
  }
  // Statement order is unobserved order, which `listed` keeps: ties of first child broken by position keep it within a group.
  const order = Int32Array.from(listed.keys()).sort((a, b) => graph.stochastic[listed[a]!]!.child(0) - graph.stochastic[listed[b]!]!.child(0) || a - b);
  const node = Int32Array.from(order, (k) => listed[k]!);
  groupsByGraph.set(graph, (groups = { firstChild: Int32Array.from(node, (id) => graph.stochastic[id]!.child(0)), node }));
  return groups;
}

/** Lets go of the groups once the samplers are made. */
export function forgetNormalGroups(graph: ModelGraph): void {
  groupsByGraph.delete(graph);
}

/** The scalar normal nodes (with `node` itself) whose children are exactly `node`'s, in statement order. */
function normalNodesWithChildrenOf(graph: ModelGraph, node: StochasticNode): StochasticNode[] {
  const count = node.childCount;
  const first = node.child(0);
  const { firstChild, node: listed } = normalGroups(graph);
  const found: StochasticNode[] = [];
  for (let k = lowerBound(firstChild.length, (k) => firstChild[k]! < first); k < firstChild.length && firstChild[k] === first; k++) {
    const other = graph.stochastic[listed[k]!]!;
    if (other.childCount !== count) continue;
    let same = true;
    for (let c = 1; c < count && same; c++) same = other.child(c) === node.child(c);
    if (same) found.push(other);
  }
  return found;
}

/** The largest block of scalar normal nodes updated jointly (the cost grows with its cube). */
const MAX_BLOCK = 64;

/**
 * Scalar normal nodes with exactly the same children and linear means form a
 * block drawn jointly from its multivariate normal conditional: a row of a
 * matrix factorisation, the coefficients of a regression. Correlated
 * coordinates then move together instead of one at a time.
 */
const gaussianBlockFactory: SamplerFactory = {
  name: 'block normal',
  claim(graph, node, free) {
    if (node.distribution.name === 'dmnorm') {
      const children = gaussianBlockChildren(graph, [node]);
      return children ? [blockSampler(graph, [node], children)] : undefined;
    }
    if (node.distribution.name !== 'dnorm' || node.childCount === 0 || node.statement.truncation) return undefined;
    // A first child with no other moving parent: no other node shares the children (a probit's latent rows).
    if (movingParentCount(graph, node.child(0)) < 2) return undefined;
    const members = normalNodesWithChildrenOf(graph, node).filter(free);
    if (members.length < 2 || members.length > MAX_BLOCK) return undefined;
    const children = gaussianBlockChildren(graph, members);
    return children ? [blockSampler(graph, members, children)] : undefined;
  },
};

/** A Gaussian block's sampler, scale-expanded where its children are latent normals censored at zero (probit). */
function blockSampler(graph: ModelGraph, members: StochasticNode[], children: StochasticNode[]): Sampler {
  const block = new GaussianBlock(graph, members, children);
  return new GaussianBlockSampler(block, ScaleExpansion.of(graph, block));
}

/** Terms of an observed dsum: moved in pairs that keep the sum (before any sampler that would move one alone). */
const sumFactory: SamplerFactory = {
  name: 'sum-preserving',
  claim: (graph, node) => claimSumTerms(graph, node),
};

const conjugateFactory: SamplerFactory = {
  name: 'conjugate',
  claim(graph, node, free) {
    if (isCensoredNormal(graph, node)) return [CensoredNormalSampler.claimRun(graph, node, free)];
    const scalar = analyzeConditional(graph, node);
    if (scalar) return [new ConjugateSampler(graph, scalar)];
    const dirichlet = analyzeDirichlet(graph, node);
    if (dirichlet) return [new DirichletSampler(graph, dirichlet)];
    const wishart = analyzeWishart(graph, node);
    if (wishart) return [new WishartSampler(graph, wishart)];
    return undefined;
  },
};

const finiteFactory: SamplerFactory = {
  name: 'finite',
  claim(graph, node) {
    if (node.distribution.multivariate || !node.distribution.discrete) return undefined;
    const [lower, upper] = finiteSupport(node);
    if (!(upper - lower + 1 <= MAX_ENUMERATED)) return undefined;
    return [new FiniteSampler(graph, node, childrenOf(graph, node))];
  },
};

const sliceFactory: SamplerFactory = {
  name: 'slice',
  claim(graph, node) {
    const distribution = node.distribution;
    const children = childrenOf(graph, node);
    if (!distribution.multivariate && !distribution.discrete && gammaShapeChildren(graph, node)) return [new GammaShapeSliceSampler(graph, node, children)];
    if (!distribution.multivariate) return [new SliceSampler(graph, node, children, 0, distribution.discrete)];
    if (distribution.name === 'dmnorm' || distribution.name === 'dmnorm.vcov' || distribution.name === 'dmt') return Array.from(node.offsets, (_, k) => new SliceSampler(graph, node, children, k));
    if (distribution.name === 'ddirch') return [new SimplexSliceSampler(graph, node, children)];
    return undefined;
  },
};

export const SAMPLER_FACTORIES: readonly SamplerFactory[] = [sumFactory, factorRowsFactory, ratingScalarFactory, gaussianBlockFactory, conjugateFactory, finiteFactory, sliceFactory];
