import type { CalibratedParameter, SimulationOutcome } from './calibrate';
import { binProbabilities, rankBin, uniformityTest } from './ranks';
import type { SbcNodeResult } from './sbcOutput';

/** Failure messages kept for the output; the rest are only counted. */
const KEPT_FAILURES = 5;

/**
 * Collects simulation outcomes, in any order, into one rank histogram per
 * parameter, and tests each for uniformity.
 */
export class CalibrationTally {
  private readonly counts: Int32Array[];
  private readonly probabilities: number[];
  finished = 0;
  failed = 0;
  /** The failures of the lowest-numbered simulations, so that the messages do not depend on the workers' timing. */
  private readonly kept: Array<{ index: number; message: string }> = [];

  constructor(
    private readonly parameters: CalibratedParameter[],
    private readonly draws: number,
    private readonly bins: number,
  ) {
    this.counts = parameters.map(() => new Int32Array(bins));
    this.probabilities = binProbabilities(draws, bins);
  }

  add(outcome: SimulationOutcome): void {
    this.finished++;
    if ('failure' in outcome) {
      this.failed++;
      this.kept.push({ index: outcome.index, message: outcome.failure });
      this.kept.sort((a, b) => a.index - b.index);
      if (this.kept.length > KEPT_FAILURES) this.kept.pop();
      return;
    }
    for (let k = 0; k < this.parameters.length; k++) this.counts[k]![rankBin(outcome.ranks[k]!, this.draws, this.bins)]!++;
  }

  get failures(): string[] {
    return this.kept.map((k) => k.message);
  }

  results(): SbcNodeResult[] {
    const fitted = this.finished - this.failed;
    const expected = this.probabilities.map((p) => p * fitted);
    const band = { lower: [] as number[], upper: [] as number[] };
    for (const p of this.probabilities) {
      const [lower, upper] = binomialInterval(fitted, p, 0.99);
      band.lower.push(lower);
      band.upper.push(upper);
    }
    return this.parameters.map((parameter, k) => {
      const counts = Array.from(this.counts[k]!);
      const test = uniformityTest(counts, this.probabilities);
      return { name: parameter.name, sampler: parameter.sampler, counts, expected, band, ...test };
    });
  }
}

/**
 * The central interval [lower, upper] holding at least `level` of a
 * Binomial(n, p): the band a bin's count stays in under uniform ranks, drawn
 * behind the histograms as in Talts et al.'s figures.
 */
export function binomialInterval(n: number, p: number, level: number): [number, number] {
  const tail = (1 - level) / 2;
  if (n === 0) return [0, 0];
  // Walk the pmf by its ratio recurrence, from the log of P(0) so it works for any n.
  let logP = n * Math.log1p(-p);
  let cumulative = 0;
  let lower = -1;
  for (let k = 0; k <= n; k++) {
    cumulative += Math.exp(logP);
    if (lower < 0 && cumulative > tail) lower = k;
    if (cumulative >= 1 - tail) return [lower, k];
    logP += Math.log(((n - k) / (k + 1)) * (p / (1 - p)));
  }
  return [Math.max(lower, 0), n];
}
