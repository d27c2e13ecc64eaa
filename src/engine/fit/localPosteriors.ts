import erfc from '@stdlib/math-base-special-erfc';
import { analyzeConditional, type Conditional } from '../inference/conditionals';
import { finiteSupport, MAX_ENUMERATED } from '../inference/finiteSampler';
import { GaussianBlock, gaussianBlockChildren } from '../inference/gaussianBlock';
import { solveLowerTransposeInPlace } from '../math/linalg';
import { nodeLogDensity, propagate, type ModelGraph, type StochasticNode } from '../model/graph';
import { crossTruncatedNormal, expectQuadratic, gaussianDivergence, gaussianEntropy, type BoundShare, type TruncatedNormal } from './emBound';
import { ScaleUnit } from './scaleUnit';

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * The exact E-step posterior of one latent unit (a node, or a Gaussian block
 * of nodes) given the parameters and the data: p(unit | rest) with its log
 * normaliser, the unit's share of the observed-data log-likelihood. It is
 * represented by weighted points that reproduce the expectations EM needs:
 * every value of a finite node with its probability, or for a Gaussian unit
 * the 2d points m ± √d·(columns of a square root of the covariance), exact
 * for the (at most quadratic) sufficient statistics of the parameters.
 */
export interface LocalUnit {
  readonly nodes: StochasticNode[];
  /** Stochastic nodes whose densities read the unit. */
  readonly children: StochasticNode[];
  readonly kind: 'finite' | 'normal' | 'block' | 'scale';
  /** The posterior mean and sd of each scalar of the unit, in the order of its nodes (latent globals in the output). */
  summaries?(): Array<{ mean: number; sd: number }>;
  /** Points of the current posterior. */
  pointCount(): number;
  /** Computes the posterior at the current parameters, tempered by β for finite units (annealing); returns log p(children | parameters). */
  update(beta: number): number;
  /** Sets the unit to point s and returns its weight. */
  setPoint(s: number): number;
  /** Sets the unit to its most probable value (finite) or its mean (Gaussian). */
  setCentre(): void;
  /** For finite units: the probability of each value, and the first value. */
  readonly probabilities?: Float64Array;
  readonly firstValue?: number;
  /** The bound picture (emBound.ts): keeps the current posterior as q. */
  freeze?(): void;
  /** At the current parameters, with q the frozen posterior: the unit's log normaliser, L(q, θ) and KL(q ‖ posterior). Leaves the unit at its centre. */
  boundShare?(): BoundShare;
}

function sumLogDensities(node: StochasticNode, children: StochasticNode[]): number {
  let total = nodeLogDensity(node);
  for (let j = 0; j < children.length && total > Number.NEGATIVE_INFINITY; j++) total += nodeLogDensity(children[j]!);
  return Number.isNaN(total) ? Number.NEGATIVE_INFINITY : total;
}

class FiniteUnit implements LocalUnit {
  readonly kind = 'finite';
  readonly nodes: StochasticNode[];
  probabilities = new Float64Array(0);
  firstValue = 0;
  private count = 0;

  constructor(
    private readonly graph: ModelGraph,
    private readonly node: StochasticNode,
    readonly children: StochasticNode[],
  ) {
    this.nodes = [node];
  }

  pointCount(): number {
    return this.count;
  }

  update(beta: number): number {
    const { node, children, graph } = this;
    const [lower, upper] = finiteSupport(node);
    const count = (this.count = Math.max(0, upper - lower + 1));
    this.firstValue = lower;
    if (this.probabilities.length < count) this.probabilities = new Float64Array(count);
    const p = this.probabilities;
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < count; k++) {
      node.variable.values[node.offset] = lower + k;
      propagate(graph, node);
      p[k] = sumLogDensities(node, children);
      if (p[k]! > max) max = p[k]!;
    }
    if (max === Number.NEGATIVE_INFINITY) {
      p.fill(1 / count, 0, count);
      return Number.NEGATIVE_INFINITY;
    }
    let total = 0;
    let tempered = 0;
    for (let k = 0; k < count; k++) total += Math.exp(p[k]! - max);
    const logNormaliser = max + Math.log(total);
    for (let k = 0; k < count; k++) tempered += p[k] = Math.exp(beta * (p[k]! - max));
    for (let k = 0; k < count; k++) p[k] = p[k]! / tempered;
    this.setCentre();
    return logNormaliser;
  }

  private frozen = new Float64Array(0);
  private logJoint = new Float64Array(0);

  freeze(): void {
    this.frozen = this.probabilities.slice(0, this.count);
  }

  boundShare(): BoundShare {
    const { node, children, graph, frozen } = this;
    const count = frozen.length;
    if (this.logJoint.length < count) this.logJoint = new Float64Array(count);
    const logJoint = this.logJoint;
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < count; k++) {
      node.variable.values[node.offset] = this.firstValue + k;
      propagate(graph, node);
      logJoint[k] = sumLogDensities(node, children);
      if (logJoint[k]! > max) max = logJoint[k]!;
    }
    let total = 0;
    for (let k = 0; k < count; k++) total += Math.exp(logJoint[k]! - max);
    const logEvidence = max + Math.log(total);
    let expected = 0;
    let entropy = 0;
    let divergence = 0;
    for (let k = 0; k < count; k++) {
      const q = frozen[k]!;
      if (q === 0) continue;
      expected += q * logJoint[k]!;
      entropy -= q * Math.log(q);
      divergence += q * (Math.log(q) - (logJoint[k]! - logEvidence));
    }
    this.setCentre();
    return { logEvidence, lower: expected + entropy, divergence };
  }

  setPoint(s: number): number {
    if (s >= this.count) return 0;
    this.node.variable.values[this.node.offset] = this.firstValue + s;
    propagate(this.graph, this.node);
    return this.probabilities[s]!;
  }

  setCentre(): void {
    let best = 0;
    for (let k = 1; k < this.count; k++) if (this.probabilities[k]! > this.probabilities[best]!) best = k;
    this.node.variable.values[this.node.offset] = this.firstValue + best;
    propagate(this.graph, this.node);
  }
}

const logPhi = (z: number): number => (Number.isFinite(z) ? -0.5 * z * z - 0.5 * LOG_2PI : Number.NEGATIVE_INFINITY);

/** log P(Z > z) for a standard normal, accurate far in the upper tail (Mills-ratio series past 30 sd, where erfc underflows). */
function logUpperTail(z: number): number {
  if (z === Number.POSITIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  if (z < 30) return Math.log(0.5 * erfc(z / Math.SQRT2));
  const r = 1 / (z * z);
  return -0.5 * z * z - Math.log(z) - 0.5 * LOG_2PI + Math.log1p(r * (-1 + r * (3 - 15 * r)));
}

/** log P(a < Z < b), from whichever tail keeps precision. */
function logIntervalMass(a: number, b: number): number {
  if (a >= 0) {
    const la = logUpperTail(a);
    return la + Math.log1p(-Math.exp(logUpperTail(b) - la));
  }
  if (b <= 0) {
    const lb = logUpperTail(-b);
    return lb + Math.log1p(-Math.exp(logUpperTail(-a) - lb));
  }
  return Math.log1p(-Math.exp(logUpperTail(-a)) - Math.exp(logUpperTail(b)));
}

/** A normal node's posterior, truncated to the bounds its prior and censored children set. */
class NormalUnit implements LocalUnit {
  readonly kind = 'normal';
  readonly nodes: StochasticNode[];
  private readonly out = new Float64Array(4);
  private mean = 0;
  private sd = 0;

  constructor(
    private readonly graph: ModelGraph,
    private readonly node: StochasticNode,
    readonly children: StochasticNode[],
    private readonly conditional: Conditional,
  ) {
    this.nodes = [node];
  }

  pointCount(): number {
    return 2;
  }

  update(): number {
    const out = this.out;
    this.conditional.parameters(out);
    const m = out[0]!, precision = out[1]!, lower = out[2]!, upper = out[3]!;
    const sigma = 1 / Math.sqrt(precision);
    const a = (lower - m) / sigma;
    const b = (upper - m) / sigma;
    // Truncated-normal moments with every ratio φ/mass taken in log space: far tails neither underflow nor give 0/0.
    const logMass = logIntervalMass(a, b);
    const ra = Math.exp(logPhi(a) - logMass);
    const rb = Math.exp(logPhi(b) - logMass);
    const shift = ra - rb;
    const aa = Number.isFinite(a) ? a * ra : 0;
    const bb = Number.isFinite(b) ? b * rb : 0;
    this.mean = m + sigma * shift;
    this.sd = sigma * Math.sqrt(Math.max(1 + aa - bb - shift * shift, 0));
    this.posterior = { m, precision, logMass, mean: this.mean, sd: this.sd, lower, upper };
    // log ∫ f = log f(x*) − log q(x*) at any x* inside the interval, q the normalised conditional; the mean is strictly inside.
    const x = Number.isFinite(this.mean) ? this.mean : Math.min(Math.max(m, lower), upper);
    this.set(x);
    const logF = sumLogDensities(this.node, this.children);
    const logQ = -0.5 * LOG_2PI + 0.5 * Math.log(precision) - 0.5 * precision * (x - m) * (x - m) - logMass;
    this.setCentre();
    return logF - logQ;
  }

  private posterior: TruncatedNormal | undefined;
  private frozen: TruncatedNormal | undefined;

  freeze(): void {
    this.frozen = this.posterior;
  }

  boundShare(): BoundShare {
    const q = this.frozen!;
    const logEvidence = this.update();
    const expected = expectQuadratic(q, (x) => {
      this.set(x);
      return sumLogDensities(this.node, this.children);
    });
    const selfCross = crossTruncatedNormal(q, q);
    const divergence = selfCross - crossTruncatedNormal(q, this.posterior!);
    this.setCentre();
    return { logEvidence, lower: expected - selfCross, divergence };
  }

  private set(x: number): void {
    this.node.variable.values[this.node.offset] = x;
    propagate(this.graph, this.node);
  }

  setPoint(s: number): number {
    if (s >= 2) return 0;
    this.set(s === 0 ? this.mean - this.sd : this.mean + this.sd);
    return 0.5;
  }

  setCentre(): void {
    this.set(this.mean);
  }

  summaries(): Array<{ mean: number; sd: number }> {
    return [{ mean: this.mean, sd: this.sd }];
  }
}

/** A Gaussian block (several scalar normal nodes sharing their children, or one dmnorm node). */
class BlockUnit implements LocalUnit {
  readonly kind = 'block';
  private readonly mean: Float64Array;
  private readonly point: Float64Array;
  private readonly column: Float64Array;
  private readonly d: number;

  constructor(
    private readonly block: GaussianBlock,
    readonly nodes: StochasticNode[],
    readonly children: StochasticNode[],
  ) {
    this.d = block.d;
    this.mean = new Float64Array(block.d);
    this.point = new Float64Array(block.d);
    this.column = new Float64Array(block.d);
  }

  pointCount(): number {
    return 2 * this.d;
  }

  update(): number {
    const { block, d } = this;
    if (!block.compute()) return Number.NaN;
    block.mean(this.mean);
    block.setAll(this.mean);
    let logF = 0;
    for (const node of this.nodes) logF += nodeLogDensity(node);
    for (const child of this.children) logF += nodeLogDensity(child);
    let logDetHalf = 0;
    for (let k = 0; k < d; k++) logDetHalf += Math.log(block.precision[k * d + k]!);
    return logF - (-0.5 * d * LOG_2PI + logDetHalf);
  }

  private frozenMean = new Float64Array(0);
  private frozenFactor = new Float64Array(0);

  freeze(): void {
    this.frozenMean = Float64Array.from(this.mean);
    this.frozenFactor = Float64Array.from(this.block.precision);
  }

  boundShare(): BoundShare {
    const { block, d, frozenMean, frozenFactor } = this;
    const logEvidence = this.update();
    // q's 2d points m0 ± √d·c_k (c_k = L0⁻ᵀe_k) average any quadratic exactly: the log density of a Gaussian block and its linear-Gaussian children is one.
    const columns = new Float64Array(d * d);
    let expected = 0;
    for (let k = 0; k < d; k++) {
      const column = columns.subarray(k * d, (k + 1) * d);
      column[k] = 1;
      solveLowerTransposeInPlace(frozenFactor, column, d);
      for (const sign of [1, -1]) {
        for (let i = 0; i < d; i++) this.point[i] = frozenMean[i]! + sign * Math.sqrt(d) * column[i]!;
        block.setAll(this.point);
        let logF = 0;
        for (const node of this.nodes) logF += nodeLogDensity(node);
        for (const child of this.children) logF += nodeLogDensity(child);
        expected += logF / (2 * d);
      }
    }
    const divergence = gaussianDivergence(d, frozenMean, frozenFactor, this.mean, block.precision, columns);
    this.setCentre();
    return { logEvidence, lower: expected + gaussianEntropy(d, frozenFactor), divergence };
  }

  setPoint(s: number): number {
    const { d } = this;
    if (s >= 2 * d) return 0;
    // Columns of L⁻ᵀ, with Λ = L·Lᵀ, are a square root of the covariance Λ⁻¹.
    const k = s >> 1;
    this.column.fill(0);
    this.column[k] = 1;
    solveLowerTransposeInPlace(this.block.precision, this.column, d);
    const scale = (s & 1 ? -1 : 1) * Math.sqrt(d);
    for (let i = 0; i < d; i++) this.point[i] = this.mean[i]! + scale * this.column[i]!;
    this.block.setAll(this.point);
    return 1 / (2 * d);
  }

  setCentre(): void {
    this.block.setAll(this.mean);
  }

  /** Variances are the row sums of squares of L⁻ᵀ's columns (Λ = L·Lᵀ). */
  summaries(): Array<{ mean: number; sd: number }> {
    const { d } = this;
    const variance = new Float64Array(d);
    for (let k = 0; k < d; k++) {
      this.column.fill(0);
      this.column[k] = 1;
      solveLowerTransposeInPlace(this.block.precision, this.column, d);
      for (let i = 0; i < d; i++) variance[i] += this.column[i]! ** 2;
    }
    return Array.from(this.mean, (mean, i) => ({ mean, sd: Math.sqrt(variance[i]!) }));
  }
}

/**
 * Groups the latent nodes into units with an exact E-step, or returns the
 * reason none exists (then the fit falls back to Monte-Carlo EM).
 */
export function buildLocalUnits(graph: ModelGraph, latent: StochasticNode[]): { units: LocalUnit[] } | { reason: string } {
  const units: LocalUnit[] = [];
  const taken = new Set<number>();
  const latentIds = new Set(latent.map((n) => n.id));
  const byChildren = new Map<string, StochasticNode[]>();
  for (const n of latent) {
    if (n.distribution.name !== 'dnorm' || n.statement.truncation || n.children.length === 0) continue;
    const key = n.children.join(',');
    const group = byChildren.get(key);
    // Appending in place: copying the list for every member made grouping quadratic in the group's size.
    if (group) group.push(n);
    else byChildren.set(key, [n]);
  }
  for (const node of latent) {
    if (taken.has(node.id)) continue;
    const children = node.children.map((id) => graph.stochastic[id]!);
    let unit: LocalUnit | undefined;
    const group = node.distribution.name === 'dnorm' && !node.statement.truncation ? (byChildren.get(node.children.join(',')) ?? [node]) : [node];
    if (group.length > 1 || node.distribution.name === 'dmnorm') {
      const blockChildren = gaussianBlockChildren(graph, group);
      if (blockChildren) unit = new BlockUnit(new GaussianBlock(graph, group, blockChildren), group, blockChildren);
    }
    if (!unit && !node.distribution.multivariate && node.distribution.discrete) {
      const [lower, upper] = finiteSupport(node);
      if (upper - lower + 1 <= MAX_ENUMERATED) unit = new FiniteUnit(graph, node, children);
    }
    if (!unit) {
      const conditional = analyzeConditional(graph, node);
      if (conditional?.family === 'normal') unit = new NormalUnit(graph, node, children, conditional);
    }
    if (!unit) unit = ScaleUnit.recognise(graph, node);
    if (!unit) return { reason: `${node.name} (${node.distribution.name}) has no closed-form posterior given the parameters` };
    for (const n of unit.nodes) taken.add(n.id);
    units.push(unit);
  }
  // Exactness needs latent units that are conditionally independent: no unit may read another.
  const owner = new Map<number, LocalUnit>();
  for (const unit of units) {
    for (const child of unit.children) {
      if (latentIds.has(child.id)) return { reason: `the latent node ${child.name} depends on another latent node` };
      const other = owner.get(child.id);
      if (other && other !== unit) return { reason: `${child.name} depends on two latent units (${other.nodes[0]!.name} and ${unit.nodes[0]!.name})` };
      owner.set(child.id, unit);
    }
  }
  return { units };
}
