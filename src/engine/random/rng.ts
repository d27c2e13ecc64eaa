import { ZIGGURAT_R, ZIGGURAT_RATIO, ZIGGURAT_X } from './ziggurat';

/**
 * The engine's only source of randomness: xoshiro128** (Blackman & Vigna),
 * 32-bit arithmetic so it stays fast in JavaScript, period 2^128 - 1.
 * Seeded through splitmix32 so that nearby seeds give unrelated streams;
 * each chain gets its own stream from (seed, chain).
 */
export class Random {
  /** xoshiro's four words, in a typed array: as object fields, values beyond ±2^30 would be boxed on every store. */
  private readonly s = new Int32Array(4);

  constructor(seed: number, stream = 0) {
    let x = (Math.floor(seed) ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
    const next = (): number => {
      // splitmix32
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    const s = this.s;
    s[0] = next();
    s[1] = next();
    s[2] = next();
    s[3] = next();
    if ((s[0]! | s[1]! | s[2]! | s[3]!) === 0) s[0] = 1;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    return this.next() >>> 0;
  }

  /**
   * The next xoshiro output as a signed 32-bit integer: a small integer to
   * V8 where the unsigned value above 2^31 is a boxed heap number whenever
   * the call is not inlined, and most normals and gammas of a sweep draw two
   * uniforms.
   */
  private next(): number {
    const s = this.s;
    const s1 = s[1]!;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    s[2] = s[2]! ^ s[0]!;
    s[3] = s[3]! ^ s1;
    s[1] = s1 ^ s[2]!;
    s[0] = s[0]! ^ s[3]!;
    s[2] = s[2]! ^ t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** Uniform on the open interval (0, 1), with 53 random bits: the top 27 of one output and the top 26 of the next. */
  uniform(): number {
    const hi = this.next() >>> 5; // 27 bits
    const lo = this.next() >>> 6; // 26 bits
    return (hi * 67108864 + lo + 0.5) / 9007199254740992;
  }

  /**
   * Standard normal by the ziggurat (ziggurat.ts): two outputs make a uniform u on (−1, 1) with 53 bits, symmetric
   * about 0, and the 7 bits the uniform leaves unused choose the layer; about 98.8 % of draws are u·x_i, accepted at
   * the first comparison. The polar method it replaces took 2.5 outputs, a log, a root and a division per normal.
   */
  normal(): number {
    for (;;) {
      const a = this.next();
      const b = this.next();
      // (m + 0.5) / 2^52 with m the signed 53-bit integer of a's top 27 and b's top 26 bits: exact, and m ↦ −1 − m mirrors u.
      const u = ((a >> 5) * 67108864 + (b >>> 6) + 0.5) / 4503599627370496;
      const i = (a & 31) | ((b & 3) << 5);
      if (Math.abs(u) < ZIGGURAT_RATIO[i]!) return u * ZIGGURAT_X[i]!;
      if (i === 0) return this.normalTail(u < 0);
      // Between x_{i+1} and x_i: a height uniform in [f(x_i), f(x_{i+1})], over f(x), against 1.
      const x = u * ZIGGURAT_X[i]!;
      const wide = ZIGGURAT_X[i]!, narrow = ZIGGURAT_X[i + 1]!;
      const low = Math.exp(-0.5 * (wide - x) * (wide + x));
      const high = Math.exp(-0.5 * (narrow - x) * (narrow + x));
      if (low + this.uniform() * (high - low) < 1) return x;
    }
  }

  /** A normal beyond ±r (Marsaglia 1964): r + E₁/r, kept with probability exp(−E₁²/(2r²)) by a second exponential. */
  private normalTail(negative: boolean): number {
    let x: number, y: number;
    do {
      x = -Math.log(this.uniform()) / ZIGGURAT_R;
      y = -Math.log(this.uniform());
    } while (y + y < x * x);
    return negative ? -(ZIGGURAT_R + x) : ZIGGURAT_R + x;
  }

  /** Gamma(shape, rate = 1) by Marsaglia & Tsang (2000); shape < 1 by the boost x·U^(1/shape). */
  gamma(shape: number): number {
    if (shape < 1) {
      const u = this.uniform();
      return this.gamma(shape + 1) * Math.pow(u, 1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number, v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniform();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** Exponential with rate 1. */
  exponential(): number {
    return -Math.log(this.uniform());
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
