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

import { digamma, gammaln } from '../vi/special';

/** Families whose divergence the engine computes, by the number of parameters each takes. */
export const KL_FAMILIES: Readonly<Record<string, number>> = { dnorm: 2, dpois: 1, dbern: 1, dbin: 2, dlnorm: 2, dexp: 1, dgamma: 2, dbeta: 2, dweib: 2, dnegbin: 2 };

/** Euler–Mascheroni γ = −ψ(1): E[log Y] = −γ − log λ for Y ~ Exp(λ). */
const EULER_GAMMA = 0.5772156649015329;

/** Mean and precision: ½ [log(τp/τq) + τq/τp + τq (μp − μq)² − 1]. */
function normal(mp: number, tp: number, mq: number, tq: number): number {
  return 0.5 * (Math.log(tp / tq) + tq / tp + tq * (mp - mq) ** 2 - 1);
}

/**
 * Weibull in JAGS's form v λ x^(v−1) exp(−λ x^v): under P, Y = x^vp is Exp(λp), so
 * E[log x] = (−γ − log λp)/vp, E[x^vp] = 1/λp and E[x^vq] = Γ(1 + vq/vp) λp^(−vq/vp).
 */
function weibull(vp: number, lp: number, vq: number, lq: number): number {
  const ratio = vq / vp;
  return Math.log((vp * lp) / (vq * lq)) + ((vp - vq) * (-EULER_GAMMA - Math.log(lp))) / vp - 1 + lq * Math.exp(gammaln(1 + ratio) - ratio * Math.log(lp));
}

/**
 * Negative binomial (failures before the r-th success, success probability p).
 * With the same r: r log(pp/pq) + E[x] log((1−pp)/(1−pq)), E[x] = r(1−pp)/pp.
 * Otherwise log Γ(x + r) does not cancel: the sum over x, until P's remaining
 * mass is below 1e-12 (its tail then adds less than that times the log ratio).
 */
function negativeBinomial(pp: number, rp: number, pq: number, rq: number): number {
  if (pp === 1) return -rq * Math.log(pq);
  if (rp === rq) return rp * Math.log(pp / pq) + ((rp * (1 - pp)) / pp) * Math.log((1 - pp) / (1 - pq));
  const [lp, lq, fp, fq] = [Math.log(pp), Math.log(pq), Math.log1p(-pp), Math.log1p(-pq)];
  let sum = 0;
  let mass = 0;
  for (let x = 0; x < 10_000_000 && mass < 1 - 1e-12; x++) {
    const logFactorial = gammaln(x + 1);
    const logP = gammaln(x + rp) - gammaln(rp) - logFactorial + rp * lp + x * fp;
    const logQ = gammaln(x + rq) - gammaln(rq) - logFactorial + rq * lq + x * fq;
    const px = Math.exp(logP);
    sum += px * (logP - logQ);
    mass += px;
  }
  return sum;
}

function bernoulli(p: number, q: number): number {
  const a = p > 0 ? p * Math.log(p / q) : 0;
  const b = p < 1 ? (1 - p) * Math.log((1 - p) / (1 - q)) : 0;
  return a + b;
}

/** KL(P ‖ Q) of a node's distribution under parameters p and q (JAGS's parameterisation). */
export function klDivergence(family: string, p: ArrayLike<number>, q: ArrayLike<number>): number {
  switch (family) {
    // The log-normal's divergence is its logarithm's: a change of variable leaves KL unchanged.
    case 'dnorm':
    case 'dlnorm':
      return normal(p[0]!, p[1]!, q[0]!, q[1]!);
    case 'dpois': {
      const [a, b] = [p[0]!, q[0]!];
      return (a > 0 ? a * Math.log(a / b) : 0) - a + b;
    }
    case 'dbern':
      return bernoulli(p[0]!, q[0]!);
    case 'dbin':
      // dbin(p, n): n independent Bernoulli trials (n is data, the same under both).
      return p[1]! * bernoulli(p[0]!, q[0]!);
    case 'dexp': {
      const ratio = q[0]! / p[0]!;
      return ratio - Math.log(ratio) - 1;
    }
    case 'dgamma': {
      // Shape a, rate b: (ap − aq) ψ(ap) − log Γ(ap) + log Γ(aq) + aq log(bp/bq) + ap (bq − bp)/bp.
      const [ap, bp, aq, bq] = [p[0]!, p[1]!, q[0]!, q[1]!];
      return (ap - aq) * digamma(ap) - gammaln(ap) + gammaln(aq) + aq * Math.log(bp / bq) + (ap * (bq - bp)) / bp;
    }
    case 'dbeta': {
      // log B(aq, bq) − log B(ap, bp) + (ap − aq) ψ(ap) + (bp − bq) ψ(bp) + (aq − ap + bq − bp) ψ(ap + bp).
      const [ap, bp, aq, bq] = [p[0]!, p[1]!, q[0]!, q[1]!];
      const logBeta = (a: number, b: number) => gammaln(a) + gammaln(b) - gammaln(a + b);
      return logBeta(aq, bq) - logBeta(ap, bp) + (ap - aq) * digamma(ap) + (bp - bq) * digamma(bp) + (aq - ap + bq - bp) * digamma(ap + bp);
    }
    case 'dweib':
      return weibull(p[0]!, p[1]!, q[0]!, q[1]!);
    case 'dnegbin':
      return negativeBinomial(p[0]!, p[1]!, q[0]!, q[1]!);
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
