import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { drawsOf, estimate, samplePosterior } from '../engine/posteriorCheck';

/**
 * A genetic pedigree: genotypes g (1 = AA, 2 = Aa, 3 = aa) of founders from
 * Hardy–Weinberg proportions, of children from their parents' genotypes
 * through p.mendelian[g[mother[i]], g[father[i]], ] (two stochastic indices
 * into an array), phenotypes y ~ dbern(pen[g[i]]), and derived indicators
 * aa[i] <- equals(g[i], 3), carrier[i] <- equals(g[i], 2).
 * Files: test/fixtures/pedigree/ (model, data, JAGS scripts).
 *
 * JAGS 4.3 figures: `jags NAME.cmd` in that folder (2 chains, 5,000 burn-in,
 * 200,000 kept draws each), summarised per node as [mean, sd, standard error
 * of the mean by 50 batch means per chain].
 */
type Reference = Record<string, [number, number, number]>;

const JAGS: Record<string, Reference> = {
  'two-generations': {
    'q': [0.4802, 0.2194, 0.0007], 'aa[1]': [0.0767, 0.2661, 0.0005], 'aa[2]': [0.0767, 0.2660, 0.0006], 'aa[3]': [0.7039, 0.4566, 0.0019], 'aa[4]': [0.2331, 0.4228, 0.0007], 'aa[5]': [0.0397, 0.1953, 0.0004],
    'carrier[1]': [0.7853, 0.4106, 0.0014], 'carrier[2]': [0.7855, 0.4105, 0.0014], 'carrier[3]': [0.2072, 0.4053, 0.0013], 'carrier[4]': [0.4735, 0.4993, 0.0010], 'carrier[5]': [0.6125, 0.4872, 0.0011],
  },
  'three-generations': {
    'q': [0.4938, 0.1851, 0.0006], 'aa[1]': [0.0688, 0.2531, 0.0005], 'aa[2]': [0.4574, 0.4982, 0.0011], 'aa[3]': [0.1073, 0.3095, 0.0006], 'aa[4]': [0.0133, 0.1145, 0.0002], 'aa[5]': [0.1290, 0.3352, 0.0008],
    'aa[6]': [0.7726, 0.4192, 0.0019], 'aa[7]': [0.2832, 0.4506, 0.0008], 'aa[8]': [0.8021, 0.3984, 0.0012], 'aa[9]': [0.0498, 0.2175, 0.0005],
    'carrier[1]': [0.8339, 0.3722, 0.0011], 'carrier[2]': [0.4845, 0.4998, 0.0009], 'carrier[3]': [0.8111, 0.3914, 0.0009], 'carrier[4]': [0.5146, 0.4998, 0.0010], 'carrier[5]': [0.8259, 0.3792, 0.0009],
    'carrier[6]': [0.1963, 0.3972, 0.0016], 'carrier[7]': [0.4874, 0.4998, 0.0008], 'carrier[8]': [0.1631, 0.3694, 0.0009], 'carrier[9]': [0.8463, 0.3607, 0.0011],
  },
  // Fully penetrant recessive (pen = 0, 0, 1), cousins' children 9 (affected) and 10 (phenotype missing):
  // the parents 7 and 8 must both be Aa, so child 10 is aa with probability 1/4 and Aa with 1/2.
  'first-cousins-recessive': {
    'q': [0.3472, 0.1646, 0.0004], 'aa[9]': [1, 0, 0], 'aa[10]': [0.2510, 0.4336, 0.0008], 'aa[7]': [0, 0, 0],
    'carrier[1]': [0.5600, 0.4964, 0.0016], 'carrier[2]': [0.5591, 0.4965, 0.0015], 'carrier[3]': [0.6757, 0.4681, 0.0013], 'carrier[4]': [0.6763, 0.4679, 0.0012], 'carrier[5]': [0.6272, 0.4836, 0.0015],
    'carrier[6]': [0.6270, 0.4836, 0.0014], 'carrier[7]': [1, 0, 0], 'carrier[8]': [1, 0, 0], 'carrier[10]': [0.4993, 0.5000, 0.0009],
  },
};

const FOLDER = join(__dirname, '../../fixtures/pedigree');

/** The model with its R-dump data written inline, as a cell. */
function cell(name: string): string {
  const model = readFileSync(join(FOLDER, 'pedigree.bug'), 'utf8');
  const entries = readFileSync(join(FOLDER, `${name}.R`), 'utf8').trim().split('\n').map((line) => line.replace(/^\s*([\w.]+)\s*<-\s*/, '$1 = '));
  return `${model}\ndata list(${entries.join(',\n')})\nsample with gibbs(monitor = c(q, aa, carrier))\n`;
}

/**
 * Agreement within Monte-Carlo error: |mean − JAGS mean| ≤ 4·√(SE² + SE_JAGS²),
 * SE our batch-means standard error (posteriorCheck's estimate). Four combined
 * standard errors: a correct sampler fails a node about once in 16,000 seeds;
 * a posterior stuck at a wrong value (aa[10] = 0.5 instead of 0.25, the
 * reducible single-site chain) misses by tens of them. A node JAGS finds
 * constant must be that constant in every draw.
 */
function agreeWithJags(name: string, seed: number): void {
  const posterior = samplePosterior(cell(name), { chains: 2, burnin: 1000, iterations: 10000, seed });
  const lines: string[] = [];
  let failed = false;
  for (const [node, [mean, sd, jagsSe]] of Object.entries(JAGS[name]!)) {
    const chains = drawsOf(posterior, node);
    if (sd === 0) {
      const constant = chains.every((c) => c.every((x) => x === mean));
      failed ||= !constant;
      lines.push(`${constant ? 'ok  ' : 'FAIL'} ${node}: JAGS constant ${mean}`);
      continue;
    }
    const got = estimate(chains);
    const allowed = 4 * Math.hypot(got.standardError, jagsSe);
    const ok = Math.abs(got.value - mean) <= allowed;
    failed ||= !ok;
    lines.push(`${ok ? 'ok  ' : 'FAIL'} ${node}: ${got.value.toFixed(4)} vs JAGS ${mean} (allowed ±${allowed.toFixed(4)})`);
  }
  assert.ok(!failed, lines.join('\n'));
}

describe('pedigrees: discrete nodes picked by other discrete stochastic nodes, against JAGS 4.3', () => {
  it('two generations', () => agreeWithJags('two-generations', 11));
  it('three generations', () => agreeWithJags('three-generations', 12));
  it('first cousins with a fully penetrant recessive: starts where the data allow, and draws the missing phenotype from its prior', () => agreeWithJags('first-cousins-recessive', 13));
});
