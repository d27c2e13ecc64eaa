import gammaln from '@stdlib/math-base-special-gammaln';
import type { VariationalNode } from '../output/fitOutput';

const POINTS = 120;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * A monitored element's variational marginal on a grid, for the renderer
 * (which then needs no special functions of its own): normal and truncated
 * normal, gamma (also a Wishart diagonal, V_ii·χ²_k), beta (also a Dirichlet
 * element); a categorical as its probabilities; a Wishart off-diagonal by
 * its normal approximation (its exact marginal has no closed form).
 */
export function marginalDensity(node: VariationalNode): { x: number[]; y: number[] } {
  const p = node.parameters;
  if (node.family === 'categorical') return { x: p.values as number[], y: p.probabilities as number[] };
  const span = Math.max(node.upper - node.lower, 1e-12);
  let from = node.lower - 0.35 * span;
  let to = node.upper + 0.35 * span;
  let density: (x: number) => number;
  switch (node.family) {
    case 'gamma':
      from = Math.max(from, 0);
      density = gammaDensity(p.shape as number, p.rate as number);
      break;
    case 'beta':
    case 'dirichlet': {
      from = Math.max(from, 0);
      to = Math.min(to, 1);
      const [a, b] = node.family === 'beta' ? [p.a as number, p.b as number] : betaOfDirichlet(node);
      const logB = gammaln(a) + gammaln(b) - gammaln(a + b);
      density = (x) => (x <= 0 || x >= 1 ? 0 : Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - logB));
      break;
    }
    case 'wishart': {
      const diagonal = isDiagonal(node.name);
      if (diagonal) {
        // Ω_ii = V_ii χ²_k: Gamma(k/2, rate 1/(2 V_ii)), with V_ii = E[Ω_ii]/k.
        const k = p.df as number;
        from = Math.max(from, 0);
        density = gammaDensity(k / 2, k / (2 * node.mean));
      } else density = normalDensity(node.mean, node.sd);
      break;
    }
    case 'truncated normal': {
      const { location, precision, lower, upper } = p as Record<string, number>;
      from = Math.max(from, lower);
      to = Math.min(to, upper);
      const sd = 1 / Math.sqrt(precision);
      const mass = massBetween(location, sd, lower, upper);
      density = (x) => (x < lower || x > upper ? 0 : normalDensity(location, sd)(x) / mass);
      break;
    }
    default:
      density = normalDensity(node.mean, node.sd);
  }
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < POINTS; i++) {
    const v = from + ((to - from) * i) / (POINTS - 1);
    x.push(v);
    y.push(density(v));
  }
  return { x, y };
}

const normalDensity = (m: number, sd: number) => (x: number): number => Math.exp(-0.5 * ((x - m) / sd) ** 2 - LOG_SQRT_2PI - Math.log(sd));

function gammaDensity(shape: number, rate: number): (x: number) => number {
  const c = shape * Math.log(rate) - gammaln(shape);
  return (x) => (x <= 0 ? 0 : Math.exp(c + (shape - 1) * Math.log(x) - rate * x));
}

function betaOfDirichlet(node: VariationalNode): [number, number] {
  const alpha = node.parameters.alpha as number[];
  const total = alpha.reduce((a, b) => a + b, 0);
  const a = node.mean * total;
  return [a, total - a];
}

/** `Omega[2,2,1]`: the first two indices equal. */
function isDiagonal(name: string): boolean {
  const inside = name.slice(name.indexOf('[') + 1, -1).split(',');
  return inside.length >= 2 && inside[0] === inside[1];
}

/** P(lower < X < upper) for X ~ N(m, sd²), by the trapezoid rule on a fine grid (only for drawing). */
function massBetween(m: number, sd: number, lower: number, upper: number): number {
  const a = Math.max(lower, m - 10 * sd);
  const b = Math.min(upper, m + 10 * sd);
  if (!(b > a)) return 1e-300;
  const f = normalDensity(m, sd);
  const n = 400;
  let s = 0.5 * (f(a) + f(b));
  for (let i = 1; i < n; i++) s += f(a + ((b - a) * i) / n);
  return Math.max((s * (b - a)) / n, 1e-300);
}
