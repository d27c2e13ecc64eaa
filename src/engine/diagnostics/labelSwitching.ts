import type { ParameterDraws } from './draws';
import { appendAll } from '../collections';

/** Mean and sd of one scalar in each segment: the split halves of each chain, in chain order. */
export interface SegmentMoments {
  /** Draws per segment. */
  length: number;
  means: Float64Array;
  sds: Float64Array;
}

export interface LabelSwitching {
  /** The scalars whose labels move, e.g. `mu[1]`, `mu[2]`. */
  nodes: string[];
  message: string;
}

// A segment "differs as labelled" when some component's mean is this many
// (pooled) posterior sds away from the reference segment's, and "agrees after
// relabelling" when every matched component's mean is within AGREE sds and its
// sd within a factor SD_RATIO. Monte Carlo error of a segment mean is
// sd/√ESS_segment, far below AGREE for any segment worth diagnosing (ESS ≥ 16
// gives 0.25 sd), while relabelled components of a mixture worth worrying
// about sit several sds apart.
const DIFFER = 2;
const AGREE = 0.5;
const SD_RATIO = 2;
/** Segments shorter than this say too little. */
const MIN_SEGMENT = 10;
/** Up to this many labels to place, every permutation is tried; above, a greedy matching. */
const EXHAUSTIVE_LABELS = 6;
/** More labels out of place than this is not a mixture's relabelling (and would be slow to match). */
const MAX_FREE_LABELS = 64;

/** Means and sds of the split halves of each chain (posterior's halves: an odd chain's middle draw is left out). */
export function segmentMoments(chains: readonly Float64Array[]): SegmentMoments {
  const n = chains[0]?.length ?? 0;
  const half = Math.floor(n / 2);
  const means = new Float64Array(2 * chains.length);
  const sds = new Float64Array(2 * chains.length);
  chains.forEach((chain, c) => {
    for (let h = 0; h < 2; h++) {
      const start = h === 0 ? 0 : Math.ceil(n / 2);
      let sum = 0;
      for (let i = start; i < start + half; i++) sum += chain[i]!;
      const mean = sum / half;
      let squares = 0;
      for (let i = start; i < start + half; i++) squares += (chain[i]! - mean) ** 2;
      means[2 * c + h] = mean;
      sds[2 * c + h] = Math.sqrt(squares / (half - 1));
    }
  });
  return { length: half, means, sds };
}

/**
 * Finds label switching among indexed scalars: chains, or halves of a chain,
 * that agree after a permutation of the labels but not as labelled. Labels
 * are the values of one index position of a variable, whatever its other
 * indices: `mu[1]`, `mu[2]`; a Bernoulli mixture's `p[k,d]` (the first index
 * labels rows of D scalars that move together); `Omega[,,k]` (the last). Every
 * position of a variable is tried. Only when every segment is explained by
 * some permutation is it called label switching; chains that disagree
 * otherwise are plain non-convergence, which R-hat reports. Parameters whose
 * labels move together (a mixture's means and precisions) share one finding.
 * Not detected: labels that switch back and forth within each half of a
 * chain, which blur every component into the same bimodal mixture.
 */
export function findLabelSwitching(elements: readonly { name: string; moments: SegmentMoments }[]): LabelSwitching[] {
  const variables = new Map<string, { indices: string[]; name: string; moments: SegmentMoments }[]>();
  for (const element of elements) {
    const match = /^(.+)\[([\d\s,]+)\]$/.exec(element.name);
    if (!match) continue;
    const indices = match[2]!.split(',').map((i) => i.trim());
    if (indices.some((i) => i === '')) continue;
    const key = `${match[1]!}/${indices.length}`;
    const list = variables.get(key) ?? [];
    list.push({ indices, name: element.name, moments: element.moments });
    variables.set(key, list);
  }
  const findings = new Map<string, { nodes: string[]; description: string }>();
  for (const scalars of variables.values()) {
    const arity = scalars[0]!.indices.length;
    for (let axis = 0; axis < arity; axis++) {
      const components = componentsAlong(scalars, axis);
      if (!components) continue;
      const found = relabellings(components);
      if (!found) continue;
      const existing = findings.get(found.description);
      if (existing) appendAll(existing.nodes, found.nodes);
      else findings.set(found.description, found);
      break; // one labelling index per variable
    }
  }
  return [...findings.values()].map(({ nodes, description }) => ({
    nodes,
    message: `${nodes.join(', ')}: ${description} (label switching); R-hat for these nodes is not meaningful until the labels are identified (order constraint, or fix one assignment).`,
  }));
}

/** Convenience for whole draws: moments per scalar, then `findLabelSwitching`. */
export function findLabelSwitchingInDraws(parameters: readonly ParameterDraws[]): LabelSwitching[] {
  return findLabelSwitching(parameters.map((p) => ({ name: p.name, moments: segmentMoments(p.chains) })));
}

/** One label's scalars: the same other indices, in the same order, for every label. */
interface Component {
  label: string;
  scalars: { name: string; moments: SegmentMoments }[];
}

/**
 * The scalars of a variable grouped by their index at `axis` (the label),
 * each group ordered by the remaining indices; undefined unless every label
 * has the same remaining indices (a full grid), or there are fewer than two labels.
 */
function componentsAlong(scalars: readonly { indices: string[]; name: string; moments: SegmentMoments }[], axis: number): Component[] | undefined {
  const byLabel = new Map<string, Map<string, { name: string; moments: SegmentMoments }>>();
  for (const s of scalars) {
    const label = s.indices[axis]!;
    const rest = s.indices.filter((_, i) => i !== axis).join(',');
    const group = byLabel.get(label) ?? new Map<string, { name: string; moments: SegmentMoments }>();
    group.set(rest, { name: s.name, moments: s.moments });
    byLabel.set(label, group);
  }
  if (byLabel.size < 2) return undefined;
  const groups = [...byLabel.entries()];
  const keys = [...groups[0]![1].keys()];
  if (groups.some(([, g]) => g.size !== keys.length || keys.some((k) => !g.has(k)))) return undefined;
  return groups.map(([label, g]) => ({ label, scalars: keys.map((k) => g.get(k)!) }));
}

/** Distance, in pooled posterior sds, between one scalar in the reference segment and another in segment `s`. */
function scalarDistance(a: SegmentMoments, b: SegmentMoments, s: number): number {
  const gap = Math.abs(b.means[s]! - a.means[0]!);
  if (a.sds[0] === 0 && b.sds[s] === 0) return gap === 0 ? 0 : Infinity;
  const ratio = b.sds[s]! / a.sds[0]!;
  if (!(ratio <= SD_RATIO && ratio >= 1 / SD_RATIO)) return Infinity;
  const scale = Math.sqrt((a.sds[0]! ** 2 + b.sds[s]! ** 2) / 2);
  return gap === 0 ? 0 : gap / scale;
}

function relabellings(components: Component[]): { nodes: string[]; description: string } | undefined {
  const k = components.length;
  const first = components[0]!.scalars[0]!.moments;
  const segments = first.means.length;
  const chains = segments / 2;
  if (segments < 2 || first.length < MIN_SEGMENT) return undefined;
  // Each segment's permutation relative to segment 0: perm[i] = the label index that plays reference label i.
  const perms: number[][] = [];
  for (let s = 0; s < segments; s++) {
    // A label matches another when every one of its scalars does: the worst scalar decides.
    const distance = (i: number, j: number): number => {
      const a = components[i]!.scalars;
      const b = components[j]!.scalars;
      let worst = 0;
      for (let e = 0; e < a.length && worst !== Infinity; e++) worst = Math.max(worst, scalarDistance(a[e]!.moments, b[e]!.moments, s));
      return worst;
    };
    const identity = Array.from({ length: k }, (_, i) => i);
    const own = identity.map((i) => distance(i, i));
    if (Math.max(...own) < DIFFER) {
      perms.push(identity);
      continue;
    }
    // Labels that already agree keep their place; only the others are permuted among themselves.
    const free = identity.filter((i) => own[i]! >= AGREE);
    if (free.length > MAX_FREE_LABELS) return undefined;
    const memo = new Map<number, number>();
    const freeDistance = (x: number, y: number): number => {
      const key = x * free.length + y;
      let d = memo.get(key);
      if (d === undefined) memo.set(key, (d = distance(free[x]!, free[y]!)));
      return d;
    };
    const worst = (perm: number[]): number => Math.max(...perm.map((j, x) => freeDistance(x, j)));
    const best = free.length <= EXHAUSTIVE_LABELS ? bestPermutation(free.length, worst) : greedyPermutation(free.length, freeDistance);
    if (!best || worst(best) >= AGREE) return undefined; // differs, and not by relabelling
    const perm = [...identity];
    best.forEach((j, x) => (perm[free[x]!] = free[j]!));
    perms.push(perm);
  }
  const moved = new Set<number>();
  perms.forEach((perm) => perm.forEach((j, i) => j !== i && moved.add(i)));
  if (moved.size === 0) return undefined;

  const byPerm = new Map<string, number[]>();
  perms.forEach((perm, s) => {
    const key = perm.join(',');
    byPerm.set(key, [...(byPerm.get(key) ?? []), s]);
  });
  const labels = components.map((c) => c.label);
  const parts = [...byPerm.entries()].map(([key, segs]) => ({ perm: key.split(',').map(Number), where: describeSegments(segs, chains) }));
  const reference = parts[0]!;
  const others = parts.slice(1);
  const description =
    others.length === 1
      ? `${reference.where} and ${others[0]!.where} differ by ${describePermutation(others[0]!.perm, labels)}`
      : `relative to ${reference.where}, ${others.map((o) => `${o.where} ${o.where.startsWith('chains') || o.where.includes(', ') ? 'differ' : 'differs'} by ${describePermutation(o.perm, labels)}`).join('; ')}`;
  const nodes = components.filter((_, i) => moved.has(i)).flatMap((c) => c.scalars.map((e) => e.name));
  return { nodes, description };
}

function bestPermutation(k: number, cost: (perm: number[]) => number): number[] | undefined {
  let best: number[] | undefined;
  let bestCost = Infinity;
  const perm: number[] = [];
  const used = new Array<boolean>(k).fill(false);
  const extend = (): void => {
    if (perm.length === k) {
      const c = cost(perm);
      if (c < bestCost) {
        bestCost = c;
        best = [...perm];
      }
      return;
    }
    for (let j = 0; j < k; j++) {
      if (used[j]) continue;
      used[j] = true;
      perm.push(j);
      extend();
      perm.pop();
      used[j] = false;
    }
  };
  extend();
  return best;
}

/** Pairs the closest (reference label, segment label) first; good enough when components are well apart. */
function greedyPermutation(k: number, distance: (i: number, j: number) => number): number[] | undefined {
  const pairs: [number, number, number][] = [];
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) pairs.push([distance(i, j), i, j]);
  pairs.sort((a, b) => a[0] - b[0]);
  const perm = new Array<number>(k).fill(-1);
  const taken = new Set<number>();
  for (const [, i, j] of pairs) {
    if (perm[i] !== -1 || taken.has(j)) continue;
    perm[i] = j;
    taken.add(j);
  }
  return perm;
}

/** "chain 2", "chains 1 and 3", "the second half of chain 1", … */
function describeSegments(segments: number[], chains: number): string {
  const whole: number[] = [];
  const halves: string[] = [];
  for (let c = 0; c < chains; c++) {
    const first = segments.includes(2 * c);
    const second = segments.includes(2 * c + 1);
    if (first && second) whole.push(c + 1);
    else if (first) halves.push(`the first half of chain ${c + 1}`);
    else if (second) halves.push(`the second half of chain ${c + 1}`);
  }
  const parts: string[] = [];
  if (whole.length) parts.push(`${whole.length === 1 ? 'chain' : 'chains'} ${whole.join(', ')}`);
  appendAll(parts, halves);
  return parts.join(', ');
}

function listing(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** "a swap of labels 1↔2", "labels 1→2→3→1", or both kinds joined. */
function describePermutation(perm: number[], labels: string[]): string {
  const seen = new Set<number>();
  const swaps: string[] = [];
  const cycles: string[] = [];
  perm.forEach((_, start) => {
    if (seen.has(start) || perm[start] === start) return;
    const cycle: number[] = [];
    for (let i = start; !seen.has(i); i = perm[i]!) {
      seen.add(i);
      cycle.push(i);
    }
    if (cycle.length === 2) swaps.push(`${labels[cycle[0]!]}↔${labels[cycle[1]!]}`);
    else cycles.push([...cycle, start].map((i) => labels[i]).join('→'));
  });
  const parts: string[] = [];
  if (swaps.length) parts.push(`a swap of labels ${listing(swaps)}`);
  if (cycles.length) parts.push(`a relabelling ${listing(cycles)}`);
  return listing(parts);
}
