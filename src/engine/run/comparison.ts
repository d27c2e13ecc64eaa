/**
 * The model comparison of a finished run from the pointwise log-likelihoods
 * its chains recorded: PSIS-LOO, WAIC and DIC (diagnostics/modelComparison.ts)
 * in the run output's shape. Chains cut short (a cancelled run) are trimmed
 * to the shortest, since the relative efficiencies need equal chains.
 */

import { countParetoK, dic, psisLoo, waic, type PointwiseLogLik } from '../diagnostics/modelComparison';
import type { ModelComparison } from '../output/runOutput';
import { DrawStore } from './drawStore';
import { devianceAtMean } from './pointwise';
import { parameterLayout, plummerPd, type ParameterLayout } from '../diagnostics/plummerPd';
import type { RunRequest } from './request';

export interface RecordedPointwise {
  names: string[];
  store: DrawStore;
  /** Sums of every unobserved element over the kept draws of all chains, and the count of those draws. */
  sums: Float64Array | undefined;
  kept: number;
  /** Each observed node's parameters at each kept draw, where Plummer's pD can use them. */
  parameters?: { layout: ParameterLayout; store: DrawStore };
}

export function newRecordedPointwise(chains: number, names: string[], parameterFamilies: string[] | undefined): RecordedPointwise {
  const recorded: RecordedPointwise = { names, store: new DrawStore(chains, names.length), sums: undefined, kept: 0 };
  if (parameterFamilies && chains > 1) {
    const layout = parameterLayout(parameterFamilies);
    recorded.parameters = { layout, store: new DrawStore(chains, layout.width) };
  }
  return recorded;
}

/** Plummer's pD over the draws every chain has (a cancelled run's chains are cut to the shortest). */
function plummerPdOf(recorded: RecordedPointwise): number | undefined {
  const parameters = recorded.parameters;
  if (!parameters) return undefined;
  const { layout, store } = parameters;
  const draws = Math.min(...Array.from({ length: store.chains }, (_, c) => store.count(c)));
  const chains = Array.from({ length: store.chains }, (_, c) => {
    const rows = new Float64Array(draws * layout.width);
    for (let k = 0; k < layout.width; k++) {
      const column = store.column(c, k);
      for (let s = 0; s < draws; s++) rows[s * layout.width + k] = column[s]!;
    }
    return rows;
  });
  const pd = plummerPd(layout, chains, draws);
  return pd !== undefined && Number.isFinite(pd) ? pd : undefined;
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

/** Observations whose pointwise elpd a run output carries at most (a comparison of larger models is refused). */
export const MAX_POINTWISE = 20000;

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
  const plummer = plummerPdOf(recorded);
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
    ...(ll.observations <= MAX_POINTWISE ? { elpd_loo_pointwise: Array.from(loo.pointwise.elpd) } : {}),
    elpd_waic: w.elpd_waic,
    p_waic: w.p_waic,
    waic: w.waic,
    dic: {
      mean_deviance: d.meanDeviance,
      pD: d.pD ?? null,
      dic: d.dic ?? null,
      pV: d.pV,
      dic_pV: d.dicV,
      ...(plummer !== undefined ? { pD_plummer: plummer, dic_plummer: d.meanDeviance + plummer } : {}),
    },
  };
}
