import { isDegenerate, meanOf, sampleVariance } from './ess';

/**
 * The potential scale reduction of equal-length segments (`posterior`'s
 * internal `.rhat`, Gelman et al. 2013): √((B/W + n − 1) / n) with B = n·var of
 * the segment means and W the mean within-segment variance. NaN for fewer than
 * two segments, a non-finite draw, or draws without any variation.
 */
export function rhatOfSegments(segments: readonly Float64Array[]): number {
  const m = segments.length;
  if (m === 0 || isDegenerate(segments)) return Number.NaN;
  const n = segments[0]!.length;
  const means = new Float64Array(m);
  let within = 0;
  for (let c = 0; c < m; c++) {
    means[c] = meanOf(segments[c]!);
    within += sampleVariance(segments[c]!) / m;
  }
  const between = n * sampleVariance(means);
  return Math.sqrt((between / within + n - 1) / n);
}
