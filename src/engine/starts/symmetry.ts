import { finiteSupport } from '../inference/finiteSampler';
import { nodeLogDensity, propagate, type ModelGraph, type StochasticNode } from '../model/graph';
import type { FitDiagnostic } from '../output/fitOutput';
import type { MixtureSelector, SymmetricStructure } from './structure';

/** Σ log density of the node's children at its current value. */
function childrenLogDensity(graph: ModelGraph, node: StochasticNode): number {
  let total = 0;
  for (const id of node.children) total += nodeLogDensity(graph.stochastic[id]!);
  return total;
}

const same = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/**
 * Whether the current parameters sit where the data cannot tell exchangeable
 * parts apart — a fixed point of EM (and of VI) that is a saddle or a
 * minimum, never the answer: two components of a latent index that give
 * every row the same likelihood (equal component parameters, whatever the
 * family), or latent factors the data say nothing about (the children's
 * likelihood does not change with the factor: loadings at zero, the E-step
 * carries no information). Read from likelihoods, not parameter names, so
 * it holds for any model text. Leaves the latent nodes as it found them.
 */
export function findSymmetricPoint(graph: ModelGraph, structure: SymmetricStructure, occupancy?: (m: MixtureSelector) => Float64Array | undefined): FitDiagnostic[] {
  const found: FitDiagnostic[] = [];
  for (const m of structure.mixtures) {
    const K = m.components;
    // VI passes each component's expected rows: identical components that hold less than one row are emptied (surplus components at their prior), not a saddle.
    const rows = occupancy?.(m);
    const distinct = new Uint8Array(K * K);
    const values = new Float64Array(K);
    for (const node of m.nodes) {
      const saved = node.variable.values[node.offset]!;
      const [lower] = finiteSupport(node);
      for (let k = 0; k < K; k++) {
        node.variable.values[node.offset] = lower + k;
        propagate(graph, node);
        values[k] = childrenLogDensity(graph, node);
      }
      node.variable.values[node.offset] = saved;
      propagate(graph, node);
      for (let a = 0; a < K; a++) for (let b = a + 1; b < K; b++) if (!same(values[a]!, values[b]!)) distinct[a * K + b] = 1;
    }
    const pairs: string[] = [];
    const held = (k: number): boolean => !rows || rows[k]! >= 1;
    for (let a = 0; a < K; a++) for (let b = a + 1; b < K; b++) if (!distinct[a * K + b] && held(a) && held(b)) pairs.push(`${a + 1} and ${b + 1}`);
    if (pairs.length) found.push(identicalComponents(pairs, m.variable, m.observed));
  }
  for (const f of structure.factors) {
    let informative = false;
    for (const group of f.groups) {
      for (const node of group) {
        const saved = node.variable.values[node.offset]!;
        const here = childrenLogDensity(graph, node);
        node.variable.values[node.offset] = saved + 1;
        propagate(graph, node);
        const moved = childrenLogDensity(graph, node);
        node.variable.values[node.offset] = saved;
        propagate(graph, node);
        if (!same(here, moved)) {
          informative = true;
          break;
        }
      }
      if (informative) break;
    }
    if (!informative) {
      found.push({
        kind: 'zero-information',
        message: `The data carry no information on the latent factors ${f.variable} (the likelihood of ${f.observed} does not change with them: loadings at zero), a saddle point of EM, not a maximum.`,
        nodes: [f.variable],
      });
    }
  }
  return found;
}

/** The finding for components that every row finds equally likely (pairs as "1 and 2"); `algorithm` names the fixed point's iteration. */
export function identicalComponents(pairs: string[], variable: string, observed: string, algorithm = 'EM'): FitDiagnostic {
  return {
    kind: 'symmetric-point',
    message: `Components ${pairs.join(', ')} of ${variable} are identical: every row of ${observed} is as likely under each, a symmetric fixed point of ${algorithm}, not a maximum.`,
    nodes: [variable],
  };
}
