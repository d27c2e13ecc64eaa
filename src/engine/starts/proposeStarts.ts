/**
 * Starts for any algorithm that climbs to a local optimum from point values
 * of the parameters (EM, MAP, mean-field VI). The interface assumes nothing
 * about the algorithm: "here are the model's latent nodes and parameter
 * nodes; set the graph to start k". Where the graph has exchangeable parts
 * (structure.ts), starts are data-driven and never symmetric: k-means++
 * clusters of the observation rows for a latent component index, whatever
 * the components' family, and PCA scores for latent Gaussian factors, each
 * turned into parameters by one M-step from the imputed latents. Elsewhere:
 * the given values, the priors' typical values, then prior draws (a draw
 * the model finds impossible falls back to the typical value).
 */
import { kMeansPlusPlusResponsibilities } from '../em/initialise';
import { finiteSupport } from '../inference/finiteSampler';
import { setInitialValues } from '../inference/initialValues';
import type { NamedValues } from '../language/rvalues';
import type { SourceRange } from '../language/source';
import { refreshDeterministic } from '../model/compile';
import { currentParameters, nodeLogDensity, propagate, type ModelGraph, type StochasticNode } from '../model/graph';
import { drawFromPrior } from '../inference/priorDraws';
import { Random } from '../random/rng';
import { ImputedMStep, type ImputedSelector } from './imputedMStep';
import { pcaScores } from './pcaScores';
import { findSymmetricStructure, type FactorGroups, type MixtureSelector, type SymmetricStructure } from './structure';

export interface StartOptions {
  /** Seeds start k's own stream (seed, 1000 + k): a start does not depend on how many came before. */
  seed: number;
  /** Whether the parameters' priors count (MAP, VI) or not (maximum likelihood). */
  withPrior: boolean;
  /** Given starting values: start 0 is exactly them. */
  inits?: NamedValues;
  initsRange: SourceRange;
  given: boolean;
}

export interface StartPlan {
  structure: SymmetricStructure;
  /** How many starts to try when the user does not say: several where exchangeable parts make local optima likely. */
  defaultCount: number;
  /** Sets the graph (parameters, and latents where imputed) to start k; returns how it was made, e.g. "k-means++ on the rows of x (for z), seed stream 1001". */
  apply(k: number): string;
  /**
   * Moves the parameters off a symmetric point (symmetry.ts) by a fresh
   * data-driven guess of the latents and one M-step, leaving the parameters
   * the structure does not concern where they are; undefined without
   * exchangeable parts.
   */
  perturb(attempt: number): string | undefined;
  /** Whether the last apply or perturb set the latent nodes from the data (k-means++ labels, PCA scores), so that an algorithm keeping a distribution over them (VI) may start them there. */
  readonly imputed: boolean;
}

/** Share of a row's responsibility spread over all components, so that no start makes a probability exactly 0 or 1 or a component empty. */
const SPREAD = 0.1;

export function planStarts(graph: ModelGraph, latent: StochasticNode[], parameters: StochasticNode[], options: StartOptions): StartPlan {
  const structure = findSymmetricStructure(graph, latent);
  const driven = structure.mixtures.length + structure.factors.length > 0;
  const imputed = new ImputedMStep(graph, parameters, options.withPrior);
  let fromData = false;
  return {
    structure,
    defaultCount: driven ? 4 : 1,
    get imputed(): boolean {
      return fromData;
    },
    apply(k: number): string {
      const random = new Random(options.seed, 1000 + k);
      fromData = false;
      if (k === 0 && options.given) {
        setInitialValues(graph, options.inits, options.initsRange);
        const moved = drawOffCentre(graph, latent, parameters, random, true);
        return moved.length ? `the given initial values, but ${list(moved)} drawn from the prior (given at the prior's centre, where the E-step of a latent scale is infinite)` : 'the given initial values';
      }
      setInitialValues(graph, k === 0 ? options.inits : undefined, options.initsRange, k === 0 ? undefined : random);
      const base = k === 0 ? 'the priors\u2019 typical values' : 'a draw from the priors';
      if (k === 0) drawOffCentre(graph, latent, parameters, random, false);
      return (driven && dataDriven(random, k > 0)) || base;
    },
    perturb(attempt: number): string | undefined {
      return driven ? dataDriven(new Random(options.seed, 2000 + attempt), true) : undefined;
    },
  };

  /** Latents guessed from the data (k-means++ clusters, PCA scores), then the parameters by an M-step; undefined when the M-step cannot be made. */
  function dataDriven(random: Random, rotate: boolean): string | undefined {
    const selectors = structure.mixtures.map((m) => clusterStart(m, random));
    const factored = structure.factors.filter((f) => factorStart(graph, f, rotate ? random : undefined));
    const described = [
      ...structure.mixtures.map((m) => `k-means++ on the rows of ${m.observed} (for ${m.variable})`),
      ...factored.map((f) => `${rotate ? 'rotated PCA' : 'PCA'} scores of ${f.observed} (for ${f.variable})`),
    ];
    if (!described.length || !imputed.run(selectors)) return undefined;
    fromData = true;
    refreshDeterministic(graph);
    return `${described.join(' and ')}, then an M-step`;
  }
}

/**
 * A parameter whose prior reads a latent node (w[d] ~ dnorm(0, 1/s2[d]) with
 * s2 latent) starts at a draw from its prior rather than at the prior's
 * centre: at w = 0 the latent scale's E-step is degenerate (E[1/s2] = ∞),
 * a fixed point EM never leaves.
 */
function drawOffCentre(graph: ModelGraph, latent: StochasticNode[], parameters: StochasticNode[], random: Random, onlyAtCentre: boolean): string[] {
  const latentIds = new Set(latent.map((n) => n.id));
  const readsLatent = new Set<number>();
  for (const n of latent) for (const c of n.children) readsLatent.add(c);
  const moved: string[] = [];
  for (const p of parameters) {
    if (!readsLatent.has(p.id) || latentIds.has(p.id) || p.distribution.discrete || p.distribution.multivariate) continue;
    if (onlyAtCentre && !(p.distribution.name === 'dnorm' && p.variable.values[p.offset] === currentParameters(p)[0])) continue;
    const saved = p.variable.values[p.offset]!;
    if (!drawFromPrior(p, random) || !Number.isFinite(nodeLogDensity(p))) p.variable.values[p.offset] = saved;
    else moved.push(p.name);
    propagate(graph, p);
  }
  return moved;
}

function list(names: string[]): string {
  return names.length <= 4 ? names.join(', ') : `${names.slice(0, 4).join(', ')} and ${names.length - 4} more`;
}

/** k-means++ of the standardised rows, hard labels softened by SPREAD. */
function clusterStart(m: MixtureSelector, random: Random): ImputedSelector {
  const { rows, columns: d, components: K, nodes } = m;
  const n = nodes.length;
  const scaled = Float64Array.from(rows);
  for (let j = 0; j < d; j++) {
    let sum = 0, squares = 0, count = 0;
    for (let i = 0; i < n; i++) {
      const v = rows[i * d + j]!;
      if (Number.isNaN(v)) continue;
      sum += v;
      squares += v * v;
      count++;
    }
    const mean = count ? sum / count : 0;
    const sd = Math.sqrt(Math.max(squares / Math.max(count, 1) - mean * mean, 0));
    for (let i = 0; i < n; i++) scaled[i * d + j] = sd > 0 ? (rows[i * d + j]! - mean) / sd : 0;
  }
  const hard = kMeansPlusPlusResponsibilities(scaled, n, d, K, random);
  const responsibilities = new Float64Array(n * K);
  for (let i = 0; i < n; i++) {
    let total = 0;
    for (let k = 0; k < K; k++) total += responsibilities[i * K + k] = (1 - SPREAD) * hard[i * K + k]! + SPREAD / K;
    for (let k = 0; k < K; k++) responsibilities[i * K + k] = responsibilities[i * K + k]! / total;
  }
  const first = nodes.map((node) => finiteSupport(node)[0]);
  return { nodes, first, components: K, responsibilities };
}

/** Latent factors set to PCA scores (turned by a random rotation for later starts). */
function factorStart(graph: ModelGraph, f: FactorGroups, random: Random | undefined): boolean {
  const n = f.groups.length;
  const L = f.factors;
  const scores = pcaScores(f.rows, n, f.columns, L);
  if (!scores) return false;
  const rotation = random ? randomRotation(L, random) : undefined;
  const row = new Float64Array(L);
  f.groups.forEach((group, i) => {
    for (let l = 0; l < L; l++) {
      let s = 0;
      if (rotation) for (let m = 0; m < L; m++) s += scores[i * L + m]! * rotation[m * L + l]!;
      else s = scores[i * L + l]!;
      row[l] = s;
    }
    group.forEach((node, l) => {
      node.variable.values[node.offset] = row[l]!;
      propagate(graph, node);
    });
  });
  return true;
}

/** An orthogonal L × L matrix: Gram–Schmidt of a matrix of normal draws. */
function randomRotation(L: number, random: Random): Float64Array {
  const q = new Float64Array(L * L);
  for (let c = 0; c < L; c++) {
    for (let r = 0; r < L; r++) q[r * L + c] = random.normal();
    for (let p = 0; p < c; p++) {
      let dot = 0;
      for (let r = 0; r < L; r++) dot += q[r * L + c]! * q[r * L + p]!;
      for (let r = 0; r < L; r++) q[r * L + c] = q[r * L + c]! - dot * q[r * L + p]!;
    }
    let norm = 0;
    for (let r = 0; r < L; r++) norm += q[r * L + c]! ** 2;
    norm = Math.sqrt(norm);
    for (let r = 0; r < L; r++) q[r * L + c] = q[r * L + c]! / norm;
  }
  return q;
}
