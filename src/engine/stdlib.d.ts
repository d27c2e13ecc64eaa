// @stdlib packages ship their types under docs/types, which NodeNext resolution does not find.
declare module '@stdlib/math-base-special-gammaln' {
  /** Natural log of the absolute value of the gamma function. */
  export default function gammaln(x: number): number;
}
declare module '@stdlib/math-base-special-erfc' {
  /** Complementary error function. */
  export default function erfc(x: number): number;
}
declare module '@stdlib/math-base-special-betainc' {
  /** Incomplete beta function, regularised by default; the upper tail when `upper` is true. */
  export default function betainc(x: number, a: number, b: number, regularized?: boolean, upper?: boolean): number;
}
