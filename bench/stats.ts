/**
 * Posterior statistics of one monitored scalar, computed the same way for the
 * engine's draws and for JAGS's CODA draws, so that the two sides of the
 * benchmark are judged by one ruler.
 */
import { diagnose } from '../src/engine/diagnostics/convergence';
import { meanOf, sampleVariance } from '../src/engine/diagnostics/ess';
import { concat } from '../src/engine/run/summarize';

export interface NodeStats {
  mean: number;
  sd: number;
  /** ESS as ../shared/bench/peers/jags_run.py computes it: Geyer's initial monotone sequence per chain, summed over chains. */
  ess: number;
  /** Rank-normalised split-chain bulk ESS (Vehtari et al. 2021), the engine's diagnostics module. */
  ess_bulk: number;
  /** sd / √ess_mean, the engine's diagnostics module. */
  mcse_mean: number;
  /** Rank-normalised split R-hat, the engine's diagnostics module. */
  rhat: number;
}

/** Statistics of one scalar from its chains (equal lengths). */
export function nodeStats(chains: Float64Array[]): NodeStats {
  const pooled = concat(chains);
  const d = diagnose(chains);
  let ess = 0;
  for (const c of chains) ess += geyerEssOfChain(c);
  return { mean: meanOf(pooled), sd: Math.sqrt(sampleVariance(pooled)), ess, ess_bulk: d.ess_bulk, mcse_mean: d.mcse_mean, rhat: d.rhat };
}

/**
 * jags_run.py's `ess_chain`, step for step, so that ESS per second compares
 * like with like: the autocorrelation ρ_k = Σ x_i x_{i+k} / Σ x_i² of the
 * centred chain; pair sums g = ρ_k + ρ_{k+1} for k = 0, 2, 4, … while g > 0,
 * each capped by the previous one (initial monotone sequence); τ = −1 + 2 Σ g
 * and ESS = n / τ. It differs from the diagnostics module's single-chain ESS
 * (posterior's estimator) in small details: that one subtracts 1/(n − 1)
 * from each ρ_k, averages non-monotone pairs instead of capping them, keeps a
 * trailing even term and caps the ESS at n·log10(n). Autocorrelations are
 * summed directly, lag by lag, only as far as the sequence runs.
 */
export function geyerEssOfChain(x: Float64Array): number {
  const n = x.length;
  if (n < 4) return n;
  const mean = x.reduce((s, v) => s + v, 0) / n;
  const centred = Float64Array.from(x, (v) => v - mean);
  const lag = (k: number): number => {
    let s = 0;
    for (let i = 0; i + k < n; i++) s += centred[i]! * centred[i + k]!;
    return s;
  };
  const zero = lag(0);
  if (zero === 0) return n;
  let sum = 0;
  let previous = Number.POSITIVE_INFINITY;
  for (let k = 0; k < n - 1; k += 2) {
    let g = (lag(k) + lag(k + 1)) / zero;
    if (g <= 0) break;
    g = Math.min(g, previous);
    previous = g;
    sum += g;
  }
  const tau = -1 + 2 * sum;
  return n / Math.max(tau, 1e-12);
}

/**
 * RMSE of the posterior-mean prediction of held-out values, as jags_run.py
 * reports it for matrix factorisation: each `node[m]`'s mean over every kept
 * draw of every chain, against `observed[m]`.
 */
export function posteriorMeanRmse(chainsOf: (name: string) => Float64Array[] | undefined, node: string, observed: readonly number[]): number {
  let squares = 0;
  observed.forEach((y, m) => {
    const name = `${node}[${m + 1}]`;
    const chains = chainsOf(name);
    if (!chains) throw new Error(`${name} is not monitored`);
    let sum = 0;
    let count = 0;
    for (const c of chains) for (let k = 0; k < c.length; k++, count++) sum += c[k]!;
    squares += (sum / count - y) ** 2;
  });
  return Math.sqrt(squares / observed.length);
}
