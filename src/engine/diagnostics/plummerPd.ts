/**
 * Plummer's (2008) effective number of parameters, the pD that JAGS's
 * `dic.samples` (and `monitor pD` of its dic module) reports: for each
 * observed node, half the symmetrised Kullback–Leibler divergence between
 * its distribution under the parameters of two chains at the same iteration,
 * averaged over iterations and over pairs of chains. Unlike Spiegelhalter's
 * D̄ − D(θ̄) it needs no posterior mean of the parameters (so it is defined
 * for discrete latent nodes) and is invariant to reparameterisation; the
 * two agree when the posterior is close to normal.
 */

/** Families with a closed-form divergence, by the number of parameters each takes. */
export const KL_FAMILIES: Readonly<Record<string, number>> = { dnorm: 2, dpois: 1, dbern: 1, dbin: 2 };

function bernoulli(p: number, q: number): number {
  const a = p > 0 ? p * Math.log(p / q) : 0;
  const b = p < 1 ? (1 - p) * Math.log((1 - p) / (1 - q)) : 0;
  return a + b;
}

/** KL(P ‖ Q) of a node's distribution under parameters p and q (JAGS's parameterisation). */
export function klDivergence(family: string, p: ArrayLike<number>, q: ArrayLike<number>): number {
  switch (family) {
    case 'dnorm': {
      // Mean and precision: ½ [log(τp/τq) + τq/τp + τq (μp − μq)² − 1].
      const [mp, tp, mq, tq] = [p[0]!, p[1]!, q[0]!, q[1]!];
      return 0.5 * (Math.log(tp / tq) + tq / tp + tq * (mp - mq) ** 2 - 1);
    }
    case 'dpois': {
      const [a, b] = [p[0]!, q[0]!];
      return (a > 0 ? a * Math.log(a / b) : 0) - a + b;
    }
    case 'dbern':
      return bernoulli(p[0]!, q[0]!);
    case 'dbin':
      // dbin(p, n): n independent Bernoulli trials (n is data, the same under both).
      return p[1]! * bernoulli(p[0]!, q[0]!);
    default:
      return Number.NaN;
  }
}

/** Where each observed node's parameters sit in a recorded row. */
export interface ParameterLayout {
  families: string[];
  /** Start of node i's parameters in a row; the row's width is the last start plus that node's count. */
  starts: Int32Array;
  width: number;
}

export function parameterLayout(families: string[]): ParameterLayout {
  const starts = new Int32Array(families.length);
  let width = 0;
  families.forEach((family, i) => {
    starts[i] = width;
    width += KL_FAMILIES[family] ?? 0;
  });
  return { families, starts, width };
}

/**
 * pD from each chain's rows of parameters (`chains[c]`, draw-major, the same
 * number of draws each): the mean over iterations and over pairs of chains
 * of ½ Σ_i [KL(P_i^c ‖ P_i^d) + KL(P_i^d ‖ P_i^c)]. Undefined with fewer than
 * two chains, as in JAGS.
 */
export function plummerPd(layout: ParameterLayout, chains: Float64Array[], draws: number): number | undefined {
  if (chains.length < 2 || draws === 0) return undefined;
  const { families, starts, width } = layout;
  let total = 0;
  let pairs = 0;
  for (let c = 0; c < chains.length; c++) {
    for (let d = 0; d < c; d++) {
      const a = chains[c]!;
      const b = chains[d]!;
      for (let s = 0; s < draws; s++) {
        const row = s * width;
        for (let i = 0; i < families.length; i++) {
          const at = row + starts[i]!;
          const size = KL_FAMILIES[families[i]!]!;
          const p = a.subarray(at, at + size);
          const q = b.subarray(at, at + size);
          total += 0.5 * (klDivergence(families[i]!, p, q) + klDivergence(families[i]!, q, p));
        }
      }
      pairs++;
    }
  }
  return total / (pairs * draws);
}
