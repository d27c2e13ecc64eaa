// @stdlib packages ship their types under docs/types, which NodeNext resolution does not find.
declare module '@stdlib/math-base-special-gammainc' {
  /** Incomplete gamma function of (x, a); `regularized` divides by Γ(a), `upper` gives the upper tail. */
  export default function gammainc(x: number, a: number, regularized?: boolean, upper?: boolean): number;
}
