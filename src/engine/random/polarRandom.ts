import { Random } from './rng';

/**
 * The seeded generator with the normals the engine drew until it moved to the
 * ziggurat (Marsaglia's polar method, in pairs; gamma draws call it too), for
 * the scripts that make data sets: the files they write, and the references
 * computed on those files (scikit-learn's, numpy's, JAGS's), stay what they
 * were. Samplers draw from Random itself.
 */
export class PolarRandom extends Random {
  /** The second normal of the last pair, when `hasSpare`. */
  private spareNormal = 0;
  private hasSpare = false;

  override normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spareNormal;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    this.hasSpare = true;
    return u * f;
  }
}
