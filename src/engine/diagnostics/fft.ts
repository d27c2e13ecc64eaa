/**
 * A radix-2 FFT for real sequences, used for the autocovariances of long
 * chains. A real sequence of length L is packed into a complex one of length
 * L/2 (even draws as real parts, odd draws as imaginary parts), which halves
 * the work; the tables of one length are kept, and no call allocates.
 * Written here rather than taken from npm: what the diagnostics need is one
 * operation (the autocorrelation sums of real sequences), and the power-of-two
 * case is short.
 */
export class RealFft {
  /** Complex length, L/2. */
  private readonly half: number;
  /** cos(2πk/L) and sin(2πk/L) for k < L/2. */
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly reversed: Uint32Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly power: Float64Array;

  /** `length` is L, a power of two, at least 4. */
  constructor(readonly length: number) {
    if (length < 4 || (length & (length - 1)) !== 0) throw new Error(`RealFft length ${length} is not a power of two ≥ 4`);
    const half = length / 2;
    this.half = half;
    this.cos = new Float64Array(half);
    this.sin = new Float64Array(half);
    for (let k = 0; k < half; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / length);
      this.sin[k] = Math.sin((2 * Math.PI * k) / length);
    }
    this.reversed = new Uint32Array(half);
    const bits = Math.log2(half);
    for (let k = 0; k < half; k++) {
      let r = 0;
      for (let b = 0, v = k; b < bits; b++, v >>= 1) r = (r << 1) | (v & 1);
      this.reversed[k] = r;
    }
    this.re = new Float64Array(half);
    this.im = new Float64Array(half);
    this.power = new Float64Array(half + 1);
  }

  /** The smallest power of two that is at least `n` (and at least 4). */
  static sizeFor(n: number): number {
    let size = 4;
    while (size < n) size *= 2;
    return size;
  }

  /**
   * Adds |X[k]|², the power spectrum of the first `count` values of `values`
   * zero-padded to L, to the accumulated spectrum. Autocorrelation sums are
   * linear in it, so the sums of several sequences need one inverse transform.
   */
  addPowerSpectrum(values: Float64Array, count: number): void {
    if (count > this.length) throw new Error(`RealFft of length ${this.length} is too short for ${count} values`);
    const { half, re, im, cos, sin, power } = this;
    for (let k = 0; k < half; k++) {
      const even = 2 * k;
      re[k] = even < count ? values[even]! : 0;
      im[k] = even + 1 < count ? values[even + 1]! : 0;
    }
    this.transform(false);
    // Unpack the spectrum X of the real sequence from the packed one Z, k = 0 … L/2.
    for (let k = 0; k <= half; k++) {
      const k1 = k === half ? 0 : k;
      const k2 = k === 0 ? 0 : half - k;
      const a = re[k1]!;
      const b = im[k1]!;
      const c = re[k2]!;
      const d = im[k2]!;
      const evenRe = 0.5 * (a + c);
      const evenIm = 0.5 * (b - d);
      const oddRe = 0.5 * (b + d);
      const oddIm = -0.5 * (a - c);
      const w = k === half ? -1 : cos[k]!;
      const s = k === half ? 0 : sin[k]!;
      const xRe = evenRe + w * oddRe + s * oddIm;
      const xIm = evenIm + w * oddIm - s * oddRe;
      power[k] += xRe * xRe + xIm * xIm;
    }
  }

  /**
   * Writes the autocorrelation sums Σᵢ x[i]·x[i+t], t = 0 … lags−1, of the
   * sequences added since the last call (summed over them) into `out`, and
   * clears the spectrum. Exact while L ≥ count + lags − 1 for every sequence's
   * count: the circular correlation of the zero-padded sequence then equals
   * the linear one at those lags (L ≥ 2·count gives every lag).
   */
  autocorrelationSums(out: Float64Array, lags: number): void {
    const { half, re, im, cos, sin, power } = this;
    // Inverse transform of the real, even spectrum |X|², packed the same way.
    for (let k = 0; k < half; k++) {
      const e = 0.5 * (power[k]! + power[half - k]!);
      const dd = 0.5 * (power[k]! - power[half - k]!);
      re[k] = e - dd * sin[k]!;
      im[k] = dd * cos[k]!;
    }
    this.transform(true);
    power.fill(0);
    const scale = 1 / half;
    for (let t = 0; t < lags; t++) out[t] = (t & 1 ? im[t >> 1]! : re[t >> 1]!) * scale;
  }

  /** In-place complex FFT of (re, im), length L/2; `inverse` without the 1/n factor. */
  private transform(inverse: boolean): void {
    const { half: n, re, im, cos, sin, reversed } = this;
    for (let k = 0; k < n; k++) {
      const r = reversed[k]!;
      if (r > k) {
        const tr = re[k]!;
        re[k] = re[r]!;
        re[r] = tr;
        const ti = im[k]!;
        im[k] = im[r]!;
        im[r] = ti;
      }
    }
    const sign = inverse ? 1 : -1;
    for (let size = 2; size <= n; size *= 2) {
      const halfSize = size / 2;
      // Twiddle exp(∓2πij/size) = table entry j·(L/size), since the table is for length L = 2n.
      const step = (2 * n) / size;
      for (let start = 0; start < n; start += size) {
        for (let j = 0, w = 0; j < halfSize; j++, w += step) {
          const wr = cos[w]!;
          const wi = sign * sin[w]!;
          const a = start + j;
          const b = a + halfSize;
          const xr = re[b]! * wr - im[b]! * wi;
          const xi = re[b]! * wi + im[b]! * wr;
          re[b] = re[a]! - xr;
          im[b] = im[a]! - xi;
          re[a] = re[a]! + xr;
          im[a] = im[a]! + xi;
        }
      }
    }
  }
}
