/**
 * log K_ν(ω), the modified Bessel function of the second kind, for ω > 0:
 * in closed form at ν = ±½ (K_½(ω) = √(π/2ω)·e^−ω), else from the integral
 * K_ν(ω) = ∫₀^∞ exp(−ω cosh t) cosh(νt) dt (Abramowitz & Stegun 9.6.24),
 * whose integrand is smooth and falls double-exponentially: the trapezoid
 * rule in log space converges geometrically, and the log keeps tiny ω
 * (where K_ν is huge) finite. The normaliser and the moments of the
 * generalized inverse Gaussian need it.
 */
export function logBesselK(nu: number, omega: number): number {
  const v = Math.abs(nu);
  if (v === 0.5) return 0.5 * Math.log(Math.PI / (2 * omega)) - omega;
  const logIntegrand = (t: number): number => -omega * Math.cosh(t) + logCosh(v * t);
  // The integrand peaks near t* = asinh(ν/ω); integrate until it is e^−50 below its peak.
  const peak = v > 0 ? Math.asinh(v / omega) : 0;
  const top = logIntegrand(peak);
  let end = peak + 1;
  while (logIntegrand(end) > top - 50) end = peak + 2 * (end - peak);
  const steps = 4000;
  const h = end / steps;
  let total = 0;
  for (let k = 0; k <= steps; k++) {
    const w = k === 0 || k === steps ? 0.5 : 1;
    total += w * Math.exp(logIntegrand(k * h) - top);
  }
  return top + Math.log(total * h);
}

function logCosh(x: number): number {
  const a = Math.abs(x);
  return a + Math.log1p(Math.exp(-2 * a)) - Math.LN2;
}
