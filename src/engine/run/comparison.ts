/**
 * The model comparison of a finished run from the pointwise log-likelihoods
 * its chains recorded: PSIS-LOO, WAIC and DIC (diagnostics/modelComparison.ts)
 * in the run output's shape. Chains cut short (a cancelled run) are trimmed
 * to the shortest, since the relative efficiencies need equal chains.
 */

import { countParetoK, dic, psisLoo, waic, type PointwiseLogLik } from '../diagnostics/modelComparison';
import type { ModelComparison } from '../output/runOutput';
import type { DrawStore } from './drawStore';
import { devianceAtMean } from './pointwise';
import type { RunRequest } from './request';

export interface RecordedPointwise {
  names: string[];
  store: DrawStore;
  /** Sums of every unobserved element over the kept draws of all chains, and the count of those draws. */
  sums: Float64Array | undefined;
  kept: number;
}

/** The draws × observations matrix, chains as consecutive blocks of equal length. */
export function pointwiseMatrix(recorded: RecordedPointwise): PointwiseLogLik {
  const { store, names } = recorded;
  const width = names.length;
  const perChain = Math.min(...Array.from({ length: store.chains }, (_, c) => store.count(c)));
  const values = new Float64Array(perChain * store.chains * width);
  for (let c = 0; c < store.chains; c++) {
    for (let i = 0; i < width; i++) {
      const column = store.column(c, i);
      for (let s = 0; s < perChain; s++) values[(c * perChain + s) * width + i] = column[s]!;
    }
  }
  return { draws: perChain * store.chains, observations: width, values, chains: store.chains, names };
}

/** undefined when there is nothing to compare: no observed node, or fewer than 2 draws per chain. */
export function modelComparison(request: RunRequest, recorded: RecordedPointwise): ModelComparison | undefined {
  const ll = pointwiseMatrix(recorded);
  if (ll.observations === 0 || ll.draws < 2 * ll.chains) return undefined;
  const loo = psisLoo(ll);
  const w = waic(ll);
  let atMean = Number.NaN;
  if (recorded.sums && recorded.kept > 0) {
    try {
      atMean = devianceAtMean(request, recorded.sums, recorded.kept);
    } catch {
      // θ̄ outside what the model allows (an index that is not a whole number): pD is undefined.
    }
  }
  const d = dic(ll, Number.isFinite(atMean) ? atMean : undefined);
  const counts = countParetoK(loo.pointwise.k);
  const high = Array.from(loo.pointwise.k, (k, i) => ({ name: recorded.names[i]!, k }))
    .filter((o) => o.k > 0.7)
    .sort((a, b) => b.k - a.k)
    .slice(0, 10);
  return {
    draws: ll.draws,
    observations: ll.observations,
    elpd_loo: loo.elpd_loo,
    p_loo: loo.p_loo,
    looic: loo.looic,
    pareto_k: { good: counts.good, ok: counts.ok, bad: counts.bad, very_bad: counts.veryBad },
    high_k: high,
    elpd_waic: w.elpd_waic,
    p_waic: w.p_waic,
    waic: w.waic,
    dic: { mean_deviance: d.meanDeviance, pD: d.pD ?? null, dic: d.dic ?? null, pV: d.pV, dic_pV: d.dicV },
  };
}
