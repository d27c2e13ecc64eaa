import { roundTo, sumOf } from '../model/observationDevices';
import { intervalIndex } from '../model/distributions';
import { currentParameters, scatterValue, type StochasticNode } from '../model/graph';
import { cholesky } from '../math/linalg';
import {
  drawBeta, drawBinomial, drawCategorical, drawDirichlet, drawGamma, drawLaplace, drawLogistic, drawMultinomial,
  drawMultivariateNormalFromPrecision, drawNegativeBinomial, drawPareto, drawPoisson, drawStudentT, drawTruncatedNormal,
  drawWeibull, drawWishartJags,
} from '../random/draws';
import type { Random } from '../random/rng';

let factor = new Float64Array(16);
let spare = new Float64Array(16);

/**
 * Draws a node's value from its prior given its parents' current values and
 * writes it into the node's elements (the caller propagates). Truncated
 * scalar nodes are drawn inside their bounds by rejection, falling back to
 * NaN when the bounds hold almost no mass. Returns false when no value could
 * be drawn (NaN parameters, say).
 */
export function drawFromPrior(node: StochasticNode, random: Random): boolean {
  const p = currentParameters(node);
  const distribution = node.distribution;
  if (distribution.multivariate) {
    const d = node.side;
    const out = node.value;
    switch (distribution.name) {
      case 'ddirch':
        drawDirichlet(random, p, out, d);
        break;
      case 'dmulti':
        drawMultinomial(random, p[d]!, p, out, d);
        break;
      case 'dmnorm':
        if (!grow(d * d) || !cholesky(p.subarray(d, d + d * d), factor, d)) return false;
        drawMultivariateNormalFromPrecision(random, p, factor, out, d);
        break;
      case 'dwish':
        if (!grow(d * d) || !cholesky(p.subarray(0, d * d), factor, d)) return false;
        drawWishartJags(random, factor, p[d * d]!, out, d, spare);
        break;
      default:
        return false;
    }
    for (let k = 0; k < out.length; k++) if (!Number.isFinite(out[k]!)) return false;
    scatterValue(node, out);
    return true;
  }
  const lower = node.lower?.() ?? Number.NEGATIVE_INFINITY;
  const upper = node.upper?.() ?? Number.POSITIVE_INFINITY;
  if (distribution.name === 'dnorm' && (node.lower || node.upper)) {
    return accept(node, drawTruncatedNormal(random, p[0]!, 1 / Math.sqrt(p[1]!), lower, upper));
  }
  for (let attempt = 0; attempt < 100; attempt++) {
    const x = drawScalar(distribution.name, p, random);
    if (x >= lower && x <= upper) return accept(node, x);
  }
  return false;
}

function accept(node: StochasticNode, x: number): boolean {
  if (!Number.isFinite(x)) return false;
  node.variable.values[node.offset] = x;
  return true;
}

function grow(size: number): boolean {
  if (factor.length < size) {
    factor = new Float64Array(size);
    spare = new Float64Array(size);
  }
  return true;
}

export function drawScalar(name: string, p: Float64Array, random: Random): number {
  switch (name) {
    case 'dnorm': return p[0]! + random.normal() / Math.sqrt(p[1]!);
    case 'dgamma': return drawGamma(random, p[0]!, p[1]!);
    case 'dexp': return random.exponential() / p[0]!;
    case 'dunif': return p[0]! + (p[1]! - p[0]!) * random.uniform();
    case 'dbeta': return drawBeta(random, p[0]!, p[1]!);
    case 'dlnorm': return Math.exp(p[0]! + random.normal() / Math.sqrt(p[1]!));
    case 'dt': return drawStudentT(random, p[0]!, p[1]!, p[2]!);
    case 'dlogis': return drawLogistic(random, p[0]!, p[1]!);
    case 'ddexp': return drawLaplace(random, p[0]!, p[1]!);
    case 'dweib': return drawWeibull(random, p[0]!, p[1]!);
    case 'dchisqr': return drawGamma(random, 0.5 * p[0]!, 0.5);
    case 'dpar': return drawPareto(random, p[0]!, p[1]!);
    case 'dpois': return drawPoisson(random, p[0]!);
    case 'dbern': return random.uniform() < p[0]! ? 1 : 0;
    case 'dbin': return drawBinomial(random, p[0]!, p[1]!);
    case 'dnegbin': return drawNegativeBinomial(random, p[0]!, p[1]!);
    case 'dcat': return drawCategorical(random, p, p.length) + 1;
    case 'dinterval': return intervalIndex(p);
    case 'dsum': return sumOf(p);
    case 'dround': return roundTo(p[0]!, p[1]!);
    default: return Number.NaN;
  }
}
