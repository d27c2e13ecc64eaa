#!/usr/bin/env node
// Writes the small simulated datasets of the EM examples into this folder
// (or the folder given). Deterministic: each file has its own seed and a
// seeded generator (splitmix32, Box–Muller normals), so the files depend only
// on this script.            usage: node make-data.mjs [outdir]
//
//   binary-vectors.csv      500 rows × 8 bits from 3 Bernoulli prototypes (+ `source`, the prototype)
//   lasso.csv               y and x1..x8, n = 50, true coefficients (3, 0, 0, 1.5, 0, 0, −2, 0), noise sd 1
//   evidence.csv            y and x1..x4, n = 40, coefficients (1, −0.5, 0.25, 0), noise sd 0.5
//   missing-covariate.csv   y and x, n = 60, y = 1 + 0.8 x + N(0, 0.7²), x ~ N(2, 1.5²), about 30 % of x NA
//   three-clusters.csv      x1, x2: 450 points, three round clusters at (−6, 0), (0, 0), (6, 0), sd 1 (+ `source`)
//   factors.csv             x1..x5: 200 rows from 2 latent factors, x = m + W z + noise (sd 0.3 to 0.7 per column)
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const outdir = resolve(process.argv[2] ?? dirname(fileURLToPath(import.meta.url)));

function generator(seed) {
  let s = seed >>> 0;
  let spare;
  const uniform = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (((z ^ (z >>> 16)) >>> 0) + 0.5) / 4294967296;
  };
  const normal = () => {
    if (spare !== undefined) {
      const v = spare;
      spare = undefined;
      return v;
    }
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const a = 2 * Math.PI * uniform();
    spare = r * Math.sin(a);
    return r * Math.cos(a);
  };
  const pick = (weights) => {
    let u = uniform();
    let k = 0;
    while (k < weights.length - 1 && (u -= weights[k]) > 0) k++;
    return k;
  };
  return { uniform, normal, pick };
}

const round = (x, digits = 4) => Number(x.toFixed(digits));
const columns = (prefix, n) => Array.from({ length: n }, (_, j) => `${prefix}${j + 1}`);

function write(name, header, rows) {
  writeFileSync(join(outdir, name), `${[header, ...rows].map((r) => r.join(',')).join('\n')}\n`);
}

function binaryVectors() {
  const random = generator(20240611);
  const weights = [0.5, 0.3, 0.2];
  const prototypes = [
    [0.9, 0.9, 0.9, 0.9, 0.1, 0.1, 0.1, 0.1],
    [0.1, 0.1, 0.1, 0.1, 0.9, 0.9, 0.9, 0.9],
    [0.8, 0.2, 0.8, 0.2, 0.8, 0.2, 0.8, 0.2],
  ];
  const rows = Array.from({ length: 500 }, () => {
    const k = random.pick(weights);
    return [...prototypes[k].map((p) => (random.uniform() < p ? 1 : 0)), k + 1];
  });
  write('binary-vectors.csv', [...columns('b', 8), 'source'], rows);
}

function regression(name, seed, n, coefficients, sd) {
  const random = generator(seed);
  const rows = Array.from({ length: n }, () => {
    const x = coefficients.map(() => round(random.normal(), 3));
    const mean = x.reduce((a, v, j) => a + v * coefficients[j], 0);
    return [round(mean + sd * random.normal()), ...x];
  });
  write(name, ['y', ...columns('x', coefficients.length)], rows);
}

function missingCovariate() {
  const random = generator(7);
  const rows = Array.from({ length: 60 }, () => {
    const x = round(2 + 1.5 * random.normal(), 3);
    const y = round(1 + 0.8 * x + 0.7 * random.normal());
    return [y, random.uniform() < 0.3 ? 'NA' : x];
  });
  write('missing-covariate.csv', ['y', 'x'], rows);
}

function threeClusters() {
  const random = generator(3);
  const centres = [-6, 0, 6];
  const rows = Array.from({ length: 450 }, (_, i) => {
    const k = i % 3;
    return [round(centres[k] + random.normal(), 3), round(random.normal(), 3), k + 1];
  });
  write('three-clusters.csv', ['x1', 'x2', 'source'], rows);
}

function factors() {
  const random = generator(17);
  const mean = [1, -2, 0.5, 3, 0];
  const loadings = [
    [1.2, 0.0],
    [0.8, 0.6],
    [0.0, 1.1],
    [-0.7, 0.9],
    [0.5, -0.4],
  ];
  const noise = [0.3, 0.5, 0.4, 0.6, 0.7];
  const rows = Array.from({ length: 200 }, () => {
    const z = [random.normal(), random.normal()];
    return mean.map((m, d) => round(m + loadings[d][0] * z[0] + loadings[d][1] * z[1] + noise[d] * random.normal(), 3));
  });
  write('factors.csv', columns('x', 5), rows);
}

binaryVectors();
regression('lasso.csv', 11, 50, [3, 0, 0, 1.5, 0, 0, -2, 0], 1);
regression('evidence.csv', 5, 40, [1, -0.5, 0.25, 0], 0.5);
missingCovariate();
threeClusters();
factors();
