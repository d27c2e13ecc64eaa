/**
 * What the convergence diagnostics add to a run's final summary: summarises
 * 4 chains × 100,000 kept draws × 20 nodes (AR(1) chains, half of them
 * strongly autocorrelated so that Geyer's sequence runs long and the FFT is
 * used) with and without the diagnostics, and prints the CPU times (ms).
 *
 *   node --import tsx scripts/bench/diagnostics.ts [--chains 4] [--draws 100000] [--nodes 20] [--reps 3]
 */
import { diagnose } from '../../src/engine/diagnostics/convergence';
import { DiagnosticsWorkspace } from '../../src/engine/diagnostics/drawMatrix';
import { PolarRandom } from '../../src/engine/random/polarRandom';
import { DrawStore } from '../../src/engine/run/drawStore';
import { concat, histogram, summarize, summarizeDraws } from '../../src/engine/run/summarize';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const k = args.indexOf(`--${name}`);
  return k >= 0 ? Number(args[k + 1]) : fallback;
};
const chains = option('chains', 4);
const draws = option('draws', 100_000);
const nodes = option('nodes', 20);
const reps = option('reps', 3);

// Row-major chunks as the runner stores them; node m has φ = 0.95 when m is odd, 0.3 otherwise.
const store = new DrawStore(chains, nodes);
for (let c = 0; c < chains; c++) {
  const random = new PolarRandom(42, c);
  const rows = new Float64Array(draws * nodes);
  const state = new Float64Array(nodes);
  for (let t = 0; t < draws; t++) {
    for (let m = 0; m < nodes; m++) {
      const phi = m % 2 ? 0.95 : 0.3;
      state[m] = phi * state[m]! + random.normal();
      rows[t * nodes + m] = state[m]!;
    }
  }
  store.append(c, rows);
}
const monitors = Array.from({ length: nodes }, (_, m) => ({ name: `x[${m + 1}]`, sampler: 'bench' }));

function median(times: number[]): number {
  return [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

/** Median over `reps` of the CPU time (user + system, ms) of f: unlike wall time, it does not grow when other processes share the CPUs. */
function time(f: () => void): number {
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const start = process.cpuUsage();
    f();
    const used = process.cpuUsage(start);
    times.push((used.user + used.system) / 1000);
  }
  return median(times);
}

const full = time(() => summarizeDraws(store, monitors, 1, false));
// The same summary without diagnostics: columns, pooled sort, quantiles and histogram only.
const plain = time(() => {
  for (let m = 0; m < nodes; m++) {
    const pooled = concat(Array.from({ length: chains }, (_, c) => store.column(c, m)));
    summarize(pooled);
    histogram(pooled);
  }
});
const workspace = new DiagnosticsWorkspace();
const columns = Array.from({ length: chains }, (_, c) => store.column(c, 1));
const slow = time(() => diagnose(columns, { workspace }));
const fast = time(() => diagnose(Array.from({ length: chains }, (_, c) => store.column(c, 0)), { workspace }));
console.log(
  JSON.stringify({
    chains,
    draws,
    nodes,
    summary_with_diagnostics_ms: Math.round(full),
    summary_without_diagnostics_ms: Math.round(plain),
    diagnostics_ms: Math.round(full - plain),
    diagnose_one_node_phi_0_3_ms: Math.round(fast),
    diagnose_one_node_phi_0_95_ms: Math.round(slow),
  }),
);
