import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MixtureIndicator } from '../../../src/engine/inference/mixtureIndicator';
import type { ModelGraph } from '../../../src/engine/model/graph';
import { compileWithInits, node } from './helpers';
import { drawsOf, samplePosterior } from './posteriorCheck';

/**
 * A mixture whose components are kept non-empty by a constraint on counts over the plate (classic Eyes:
 * `Itot[j] ~ dinterval(tot[j], 0)`, `tot[j] <- sum(in.group[, j])`, `in.group[i, j] <- equals(T[i], j)`): the
 * indicators are weighed by the mixture path with the constraint's density from tables shared between rows
 * (componentCounts.ts), and must give the chain of the general enumeration, which sets each value and propagates.
 */

/** K normal components, y's indicators free but the first K (fixed to 1..K); `renaming` writes row i's mean. */
function constrained(renaming: string, y: number[], K: number, least: number | string, extra = ''): string {
  const T = y.map((_, i) => (i < K ? String(i + 1) : 'NA'));
  const lambdas = Array.from({ length: K }, (_, k) => (k === 0 ? 'lambda[1] ~ dnorm(0, 0.01)' : `lambda[${k + 1}] <- lambda[${k}] + theta[${k}]\n  theta[${k}] ~ dnorm(0, 0.01) T(0,)`)).join('\n  ');
  return `model {
  for (i in 1:N) {
    y[i] ~ dnorm(mu[i], tau)
    mu[i] <- ${renaming}
    T[i] ~ dcat(P[])
    for (j in 1:K) { in.group[i, j] <- equals(T[i], j) }
  }
  for (j in 1:K) {
    tot[j] <- sum(in.group[, j])
    Itot[j] ~ dinterval(tot[j], ${least})
  }
  P[1:K] ~ ddirch(alpha[])
  ${lambdas}
  tau ~ dgamma(0.1, 0.1)
  ${extra}
}
data list(N = ${y.length}, K = ${K}, y = c(${y.join(', ')}), T = c(${T.join(', ')}), alpha = rep(1, ${K}), Itot = rep(1, ${K}))
inits list(lambda = c(-1, ${Array(K - 1).fill('NA').join(', ')}), theta = rep(1, ${K - 1}), tau = 1)
sample with gibbs(monitor = c(lambda, P, tau, T${typeof least === 'string' ? `, ${least}` : ''}))
`;
}

/** Two clusters (near −2 and 0.3) and the third component's fixed row (2.4) far from them: that group often holds it alone. */
const Y = [-1.4, 0.3, 2.4, -1.3, -0.5, -2.0, 0.6, -2.4, 0.5, -2.5, 1.5, -2.0, 0.4, -2.5, 0.2, -2.7, 0.9, -1.9, 0.4, -1.9, 0.8, -1.7, 0.1, -2.5, 0.4, -2.0, 0.8, 1.2];

function indicatorOf(graph: ModelGraph, name: string): MixtureIndicator | undefined {
  const z = node(graph, name);
  return MixtureIndicator.of(
    graph,
    z,
    z.children.map((id) => graph.stochastic[id]!),
  );
}

function sameChains(fast: ReturnType<typeof samplePosterior>, slow: ReturnType<typeof samplePosterior>, names: string[]): void {
  // The discrete draws take the same uniform against weights that agree to rounding (~1e-15; the mixture path leaves
  // out constants), so a draw could differ only if a uniform fell within that of a boundary; the continuous ones then agree to rounding.
  for (const name of names) {
    const a = drawsOf(fast, name)[0]!;
    const b = drawsOf(slow, name)[0]!;
    for (let r = 0; r < a.length; r++) assert.ok(Math.abs(a[r]! - b[r]!) <= 1e-8 * Math.max(1, Math.abs(b[r]!)), `${name} at sweep ${r + 1}: ${a[r]} vs ${b[r]}`);
  }
}

describe('mixture indicators with a constraint on the component counts', () => {
  it('weighs the constraint by counts when it reads the rows only through them', () => {
    const graph = compileWithInits(constrained('lambda[T[i]]', Y, 3, 1));
    assert.equal(indicatorOf(graph, 'T[5]')?.counts, true);
  });

  it('gives, from the same seed, the chain of the general enumeration, and at least three rows per component when tot[j] > 2 is observed (400 sweeps)', () => {
    const run = { chains: 1, burnin: 0, iterations: 400, seed: 3 };
    // The third component then holds two free rows at the bound: the second row's move out is weighed from the table the first filled.
    const fast = samplePosterior(constrained('lambda[T[i]]', Y, 3, 2), run);
    const slow = samplePosterior(constrained('lambda[T[i]] + 0', Y, 3, 2), run);
    sameChains(fast, slow, ['lambda[1]', 'lambda[3]', 'P[2]', 'tau', 'T[11]', 'T[28]']);
    // The initial values need not meet the constraint; the first sweeps reach it.
    const T = Y.map((_, i) => drawsOf(fast, `T[${i + 1}]`)[0]!);
    for (let r = 20; r < 400; r++) for (let j = 1; j <= 3; j++) assert.ok(T.filter((t) => t[r] === j).length >= 3, `sweep ${r + 1}: component ${j} below three rows`);
  });

  it('leaves a component with one row when only tot[j] > 0 is observed, as the general enumeration does (so the bound above is one a sampler could break)', () => {
    const run = { chains: 1, burnin: 0, iterations: 400, seed: 3 };
    const fast = samplePosterior(constrained('lambda[T[i]]', Y, 3, 0), run);
    const slow = samplePosterior(constrained('lambda[T[i]] + 0', Y, 3, 0), run);
    sameChains(fast, slow, ['lambda[2]', 'P[1]', 'T[11]', 'T[28]']);
    const T = Y.map((_, i) => drawsOf(fast, `T[${i + 1}]`)[0]!);
    assert.ok(Array.from({ length: 400 }, (_, r) => r).some((r) => [1, 2, 3].some((j) => T.filter((t) => t[r] === j).length < 2)));
  });

  it('weighs a constraint whose bound another sampler moves between sweeps as the general enumeration does (the densities kept by counts last one sweep)', () => {
    // least is drawn between the indicators' sweeps: a density kept at given counts from the sweep before would be at the old bound.
    const extra = 'least ~ dcat(q[])\n  q[1] <- 0.2\n  q[2] <- 0.3\n  q[3] <- 0.5';
    assert.equal(indicatorOf(compileWithInits(constrained('lambda[T[i]]', Y, 3, 'least', extra)), 'T[5]')?.counts, true);
    const run = { chains: 1, burnin: 0, iterations: 300, seed: 5 };
    const fast = samplePosterior(constrained('lambda[T[i]]', Y, 3, 'least', extra), run);
    const slow = samplePosterior(constrained('lambda[T[i]] + 0', Y, 3, 'least', extra), run);
    sameChains(fast, slow, ['lambda[1]', 'P[2]', 'least', 'T[11]', 'T[28]']);
    assert.ok(new Set(drawsOf(fast, 'least')[0]).size > 1, 'the bound moves');
  });

  it('leaves to enumeration a child that reads one row other than through the counts', () => {
    // w reads rows 4 and 5 differently: its density is not the same for both rows' moves, so no table can be shared.
    const graph = compileWithInits(constrained('lambda[T[i]]', Y, 3, 1, 'w ~ dnorm(mu[4] - in.group[5, 1], 1)'));
    assert.equal(indicatorOf(graph, 'T[4]'), undefined);
    assert.equal(indicatorOf(graph, 'T[5]'), undefined);
    // A row that w does not read keeps the mixture path.
    assert.equal(indicatorOf(graph, 'T[6]')?.counts, true);
  });

  it('leaves to enumeration every row when a child reads all rows other than through counts (an answer kept for a node of many reads)', () => {
    // mean(mu[]) + mean(T[]) reads 56 elements, beyond the reads whose answer is recomputed per row.
    const graph = compileWithInits(constrained('lambda[T[i]]', Y, 3, 1, 'centre <- mean(mu[]) + mean(T[])\n  m ~ dnorm(centre, 1)'));
    for (const i of [4, 5, 28]) assert.equal(indicatorOf(graph, `T[${i}]`), undefined, `T[${i}]`);
  });

  it('weighs a Poisson mixture with its own rates and a constraint of at least two rows per component as the general enumeration does (300 sweeps)', () => {
    const counts = [0, 1, 14, 2, 0, 12, 1, 3, 15, 0, 2, 11, 1, 13, 0, 2];
    const model = (rate: string): string => `model {
  for (i in 1:N) {
    x[i] ~ dpois(${rate})
    g[i] ~ dcat(w[])
    for (j in 1:2) { member[i, j] <- equals(g[i], j) }
  }
  for (j in 1:2) {
    size[j] <- sum(member[, j])
    atLeastTwo[j] ~ dinterval(size[j], 1)
    rate[j] ~ dgamma(1, 0.1)
  }
  w[1:2] ~ ddirch(a[])
}
data list(N = ${counts.length}, x = c(${counts.join(', ')}), a = c(1, 1), atLeastTwo = c(1, 1), g = c(1, 2, ${Array(counts.length - 2).fill('NA').join(', ')}))
inits list(rate = c(1, 10))
sample with gibbs(monitor = c(rate, w, g))
`;
    const graph = compileWithInits(model('rate[g[i]]'));
    assert.equal(indicatorOf(graph, 'g[5]')?.counts, true);
    const run = { chains: 1, burnin: 0, iterations: 300, seed: 4 };
    sameChains(samplePosterior(model('rate[g[i]]'), run), samplePosterior(model('rate[g[i]] * 1'), run), ['rate[1]', 'rate[2]', 'w[1]', 'g[3]', 'g[16]']);
  });
});
