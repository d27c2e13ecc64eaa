/**
 * The project's generator of simulated ratings at the MovieLens-100k shape
 * (943 users × 1,682 items, 100,000 ratings), seeded by the engine's own
 * generator so that the same command writes the same bytes on every machine.
 * It makes the data of the BPMF example (examples/bpmf/) and, at smaller
 * shapes, of the BPMF tests:
 *
 *   npm run data:ratings -- OUTDIR     (node --import tsx scripts/ratingsData.ts OUTDIR)
 *
 * writes OUTDIR/ratings-train.csv and OUTDIR/ratings-test.csv (columns user,
 * item, rating; the test file is a seeded 10 % of the ratings, held out) and
 * OUTDIR/ratings.truth.json (the generating values and the noise floor: the
 * RMSE of the true means, clipped to [1, 5], on the held-out ratings).
 *
 * The model: rating = clip(3.5 + uᵢ·vⱼ + ε, 1, 5) rounded to 3 decimals,
 * ε ~ N(0, 0.5²), rank 10, factor entries N(0, s²) with s⁴ = 0.8 / rank so
 * that uᵢ·vⱼ has variance 0.8. Every user rates at least 20 items; user
 * activity beyond that is log-normal (capped at 737 ratings), and item
 * popularity Zipf-like, 1 / (rank + 10)^0.9 over a random order of the items —
 * the shape of MovieLens-100k, whose ratings cannot be shipped here.
 * This is the description of ../shared/bench/data/ratings_ml100k_like.csv
 * (its gen.mjs), step for step; only the random generator differs (the
 * engine's, not xoshiro128**), so the draws differ: noise floor 0.462 here,
 * 0.475 there.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Random } from '../src/engine/random/rng';
import { PolarRandom } from '../src/engine/random/polarRandom';

export interface RatingsSpec {
  users: number;
  items: number;
  ratings: number;
  rank: number;
  seed: number;
  /** Each user's fewest ratings. */
  leastPerUser: number;
  /** Share of the ratings held out. */
  heldOut: number;
}

export const ML100K_SHAPE: RatingsSpec = { users: 943, items: 1682, ratings: 100_000, rank: 10, seed: 20_261_205, leastPerUser: 20, heldOut: 0.1 };

const GLOBAL_MEAN = 3.5;
const NOISE_SD = 0.5;
const PRODUCT_VARIANCE = 0.8;
const ACTIVITY_SD = 1.1;

export interface Rating {
  user: number;
  item: number;
  rating: number;
}

export interface RatingsData {
  train: Rating[];
  test: Rating[];
  /** RMSE of the true means 3.5 + uᵢ·vⱼ, clipped to [1, 5], on the held-out ratings: no predictor can do better on average. */
  noiseFloor: number;
  spec: RatingsSpec;
  /** The generating factors, users × rank and items × rank, row-major. */
  U: Float64Array;
  V: Float64Array;
}

/** How many ratings each user gives: at least `leastPerUser`, the rest shared log-normally, at most the number of items (and 737). */
function ratingsPerUser(random: Random, spec: RatingsSpec): Int32Array {
  const { users, ratings, leastPerUser } = spec;
  const cap = Math.min(spec.items, 737);
  const share = Float64Array.from({ length: users }, () => Math.exp(ACTIVITY_SD * random.normal()));
  let total = 0;
  for (const s of share) total += s;
  const free = ratings - leastPerUser * users;
  const counts = Int32Array.from(share, (s) => Math.min(cap, leastPerUser + Math.round((free * s) / total)));
  let missing = ratings - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; missing !== 0; i = (i + 1) % users) {
    if (missing > 0 && counts[i]! < cap) {
      counts[i]!++;
      missing--;
    } else if (missing < 0 && counts[i]! > leastPerUser) {
      counts[i]!--;
      missing++;
    }
  }
  return counts;
}

/** Cumulative Zipf-like popularity over a random order of the items. */
function itemPopularity(random: Random, items: number): Float64Array {
  const order = Int32Array.from({ length: items }, (_, i) => i);
  for (let i = items - 1; i > 0; i--) {
    const j = Math.floor(random.uniform() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const weight = new Float64Array(items);
  for (let r = 0; r < items; r++) weight[order[r]!] = 1 / Math.pow(r + 10, 0.9);
  const cumulative = new Float64Array(items);
  let sum = 0;
  for (let i = 0; i < items; i++) cumulative[i] = sum += weight[i]!;
  return cumulative;
}

function drawItem(random: Random, cumulative: Float64Array): number {
  const target = random.uniform() * cumulative[cumulative.length - 1]!;
  let lo = 0, hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function makeRatings(spec: RatingsSpec): RatingsData {
  const random = new PolarRandom(spec.seed);
  const { users, items, rank } = spec;
  const factorSd = Math.pow(PRODUCT_VARIANCE / rank, 0.25);
  const U = Float64Array.from({ length: users * rank }, () => factorSd * random.normal());
  const V = Float64Array.from({ length: items * rank }, () => factorSd * random.normal());
  const counts = ratingsPerUser(random, spec);
  const cumulative = itemPopularity(random, items);
  const train: Rating[] = [];
  const test: Rating[] = [];
  let squaredError = 0;
  for (let u = 0; u < users; u++) {
    const seen = new Set<number>();
    while (seen.size < counts[u]!) seen.add(drawItem(random, cumulative));
    for (const j of [...seen].sort((a, b) => a - b)) {
      let product = 0;
      for (let k = 0; k < rank; k++) product += U[u * rank + k]! * V[j * rank + k]!;
      const mean = GLOBAL_MEAN + product;
      const rating = Math.min(5, Math.max(1, Math.round((mean + NOISE_SD * random.normal()) * 1000) / 1000));
      const entry = { user: u + 1, item: j + 1, rating };
      if (random.uniform() < spec.heldOut) {
        test.push(entry);
        // The best prediction knowing the truth is the mean clipped as the ratings are (as the shared data's truth file computes it).
        squaredError += (rating - Math.min(5, Math.max(1, mean))) ** 2;
      } else {
        train.push(entry);
      }
    }
  }
  return { train, test, noiseFloor: Math.sqrt(squaredError / test.length), spec, U, V };
}

/**
 * Full Bayesian probabilistic matrix factorisation (Salakhutdinov & Mnih 2008)
 * in the modelling language, as the example notebook, the tests and the bench
 * write it: rows of U and V Gaussian, their means and precisions under
 * Normal–Wishart hyperpriors (W0 = I, ν0 = D, β0 = 2, μ0 = 0), a global mean
 * mu and the rating precision tau; pred[m] is the mean of held-out rating m.
 */
export const BPMF_MODEL = `model {
  for (n in 1:N) {
    rating[n] ~ dnorm(mu + inprod(U[user[n], ], V[item[n], ]), tau)
  }
  for (i in 1:Nu) { U[i, 1:D] ~ dmnorm(muU[], LambdaU[, ]) }
  for (j in 1:Ni) { V[j, 1:D] ~ dmnorm(muV[], LambdaV[, ]) }
  muU[1:D] ~ dmnorm(mu0[], 2 * LambdaU[, ])
  muV[1:D] ~ dmnorm(mu0[], 2 * LambdaV[, ])
  LambdaU[1:D, 1:D] ~ dwish(W0[, ], D)
  LambdaV[1:D, 1:D] ~ dwish(W0[, ], D)
  for (k in 1:D) {
    mu0[k] <- 0
    for (l in 1:D) { W0[k, l] <- equals(k, l) }
  }
  mu ~ dnorm(0, 0.01)
  tau ~ dgamma(1, 1)
  for (m in 1:Ntest) { pred[m] <- mu + inprod(U[tuser[m], ], V[titem[m], ]) }
}
`;

/**
 * BPMF_MODEL as JAGS can sample it: JAGS's Wishart sampler needs the precision
 * itself in every child, so the means' prior precision is fixed at 2·I
 * instead of 2·Λ (a semi-conjugate prior; every update has the same cost).
 */
export const BPMF_JAGS_MODEL = BPMF_MODEL.replace(/dmnorm\(mu0\[\], 2 \* Lambda(U|V)\[, \]\)/g, 'dmnorm(mu0[], P0[, ])').replace(
  '    for (l in 1:D) { W0[k, l] <- equals(k, l) }',
  '    for (l in 1:D) {\n      W0[k, l] <- equals(k, l)\n      P0[k, l] <- 2 * equals(k, l)\n    }',
);

const toCsv = (rows: Rating[]): string => `user,item,rating\n${rows.map((r) => `${r.user},${r.item},${r.rating}`).join('\n')}\n`;

export function writeRatings(directory: string, data: RatingsData): void {
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'ratings-train.csv'), toCsv(data.train));
  writeFileSync(join(directory, 'ratings-test.csv'), toCsv(data.test));
  const truth = { ...data.spec, globalMean: GLOBAL_MEAN, noiseSd: NOISE_SD, train: data.train.length, test: data.test.length, noiseFloor: data.noiseFloor };
  writeFileSync(join(directory, 'ratings.truth.json'), `${JSON.stringify(truth, null, 1)}\n`);
}

// Run as a script (not when bundled into the bench, which imports it).
if (require.main === module && /ratingsData\.[jt]s$/.test(process.argv[1] ?? '')) {
  const directory = process.argv[2] ?? 'examples/bpmf';
  const data = makeRatings(ML100K_SHAPE);
  writeRatings(directory, data);
  process.stdout.write(`${directory}: ${data.train.length} training and ${data.test.length} held-out ratings; noise floor (RMSE of the true means) ${data.noiseFloor.toFixed(4)}\n`);
}
