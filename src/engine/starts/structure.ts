import { finiteSupport } from '../inference/finiteSampler';
import type { ModelGraph, StochasticNode } from '../model/graph';

/**
 * What makes parts of a model exchangeable, read from the graph (never from
 * the model's name): a latent component index (z[i] ~ dcat(…) selecting the
 * parameters of its children, whatever their family), or latent Gaussian
 * factors (z[i, 1:L] shared by the observed children x[i, 1:D]). Relabelling
 * the components, or rotating the factors, leaves the likelihood unchanged,
 * so a start where they are equal is a fixed point of EM and of VI alike.
 */
export interface SymmetricStructure {
  mixtures: MixtureSelector[];
  factors: FactorGroups[];
}

/** A latent component index: one finite node per row, K values, and the observed values it explains (a row matrix). */
export interface MixtureSelector {
  variable: string;
  nodes: StochasticNode[];
  components: number;
  /** The observed children's values, row i for nodes[i]; NaN where missing. */
  rows: Float64Array;
  columns: number;
  /** The name of the observed variable the rows come from, for messages. */
  observed: string;
}

/** Latent Gaussian factors: per row, L latent normal nodes sharing the same D > L observed children. */
export interface FactorGroups {
  variable: string;
  /** groups[i] are the L latent nodes of row i, in the order of their elements. */
  groups: StochasticNode[][];
  factors: number;
  rows: Float64Array;
  columns: number;
  observed: string;
}

/** The observed values read by `children`, flattened; undefined when one is unobserved. */
function observedRow(graph: ModelGraph, childIds: number[]): number[] | undefined {
  const row: number[] = [];
  for (const id of childIds) {
    const child = graph.stochastic[id]!;
    if (!child.observed) return undefined;
    for (const o of child.offsets) row.push(child.variable.values[o]!);
  }
  return row;
}

function byVariable(nodes: StochasticNode[]): Map<string, StochasticNode[]> {
  const groups = new Map<string, StochasticNode[]>();
  for (const n of nodes) groups.set(n.variable.name, [...(groups.get(n.variable.name) ?? []), n]);
  return groups;
}

/** Rows of equal width into one matrix, or undefined. */
function matrixOf(rows: number[][]): { data: Float64Array; columns: number } | undefined {
  const columns = rows[0]?.length ?? 0;
  if (columns === 0 || rows.some((r) => r.length !== columns)) return undefined;
  const data = new Float64Array(rows.length * columns);
  rows.forEach((r, i) => data.set(r, i * columns));
  return { data, columns };
}

export function findSymmetricStructure(graph: ModelGraph, latent: StochasticNode[]): SymmetricStructure {
  const mixtures: MixtureSelector[] = [];
  const factors: FactorGroups[] = [];
  const finite = latent.filter((n) => n.distribution.discrete && !n.distribution.multivariate && n.children.length > 0);
  for (const [variable, nodes] of byVariable(finite)) {
    const supports = nodes.map((n) => finiteSupport(n));
    const components = supports[0]![1] - supports[0]![0] + 1;
    if (nodes.length < 2 || components < 2 || components > 1000 || supports.some(([a, b]) => b - a + 1 !== components)) continue;
    const rows = nodes.map((n) => observedRow(graph, n.children));
    if (rows.some((r) => r === undefined)) continue;
    const matrix = matrixOf(rows as number[][]);
    if (!matrix || nodes.length <= components) continue;
    mixtures.push({ variable, nodes, components, rows: matrix.data, columns: matrix.columns, observed: graph.stochastic[nodes[0]!.children[0]!]!.variable.name });
  }
  const normal = latent.filter((n) => n.distribution.name === 'dnorm' && !n.statement.truncation && n.children.length > 0);
  for (const [variable, nodes] of byVariable(normal)) {
    const shared = new Map<string, StochasticNode[]>();
    for (const n of nodes) {
      const key = n.children.join(',');
      shared.set(key, [...(shared.get(key) ?? []), n]);
    }
    const groups = [...shared.values()];
    const L = groups[0]!.length;
    if (groups.some((g) => g.length !== L)) continue;
    const rows = groups.map((g) => observedRow(graph, g[0]!.children));
    if (rows.some((r) => r === undefined)) continue;
    const matrix = matrixOf(rows as number[][]);
    // PCA needs more rows than columns and more columns than factors.
    if (!matrix || matrix.columns <= L || groups.length <= matrix.columns) continue;
    factors.push({ variable, groups, factors: L, rows: matrix.data, columns: matrix.columns, observed: graph.stochastic[groups[0]![0]!.children[0]!]!.variable.name });
  }
  return { mixtures, factors };
}
