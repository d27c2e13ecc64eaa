import type { ModelFunction } from './functions';

/** JAGS's trigonometric and hyperbolic functions (bugs module), under its names (arcsin, not asin). */
const TRIGONOMETRIC: Record<string, (x: number) => number> = {
  sin: Math.sin, cos: Math.cos, tan: Math.tan,
  arcsin: Math.asin, arccos: Math.acos, arctan: Math.atan,
  sinh: Math.sinh, cosh: Math.cosh, tanh: Math.tanh,
  arcsinh: Math.asinh, arccosh: Math.acosh, arctanh: Math.atanh,
};

export const TRIGONOMETRIC_FUNCTIONS: ModelFunction[] = Object.entries(TRIGONOMETRIC).map(([name, f]) => ({ name, arity: 1, reducesArrays: false, evaluate: (a: Float64Array) => f(a[0]!) }));
