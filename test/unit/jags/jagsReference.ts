import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readBench } from '../classic/bench';
import { drawsOf, estimate, samplePosterior } from '../engine/posteriorCheck';

/** A fixture folder's model `NAME.bug` with its R-dump data `NAME.R` (and initial values) written inline, as a cell. */
export function fixtureCell(folder: string, name: string, monitor: string, inits?: string): string {
  const model = readFileSync(join(folder, `${name}.bug`), 'utf8');
  const list = (file: string): string => readFileSync(join(folder, file), 'utf8').trim().split('\n').map((line) => line.replace(/^\s*([\w.]+)\s*<-\s*/, '$1 = ')).join(',\n');
  return `${model}\ndata list(${list(`${name}.R`)})\n${inits ? `inits list(${list(inits)})\n` : ''}sample with gibbs(monitor = c(${monitor}))\n`;
}

/**
 * JAGS's rule for its reference runs (`NAME-jags-4.3.R` in the folder, made by
 * scripts/codaBench.ts), with our shorter run's Monte-Carlo error:
 *   |mean − JAGS mean| ≤ 0.15 · JAGS SD + 3 · SE,
 * SE our batch-means standard error (posteriorCheck's estimate). A correct
 * sampler exceeds it with probability below 0.3 % per node even without the
 * 0.15 SD; a wrong conditional moves a mean by whole SDs.
 */
export function agreeWithJags(folder: string, name: string, monitor: string, iterations: number, inits?: string): void {
  const reference = readBench(join(folder, `${name}-jags-4.3.R`));
  const posterior = samplePosterior(fixtureCell(folder, name, monitor, inits), { chains: 2, burnin: 2000, iterations, seed: 11 });
  const failures: string[] = [];
  for (const [node, jags] of reference) {
    const ours = estimate(drawsOf(posterior, node));
    const allowed = 0.15 * jags.sd + 3 * ours.standardError;
    if (!(Math.abs(ours.value - jags.mean) <= allowed)) failures.push(`${node}: ${ours.value.toFixed(4)} vs JAGS ${jags.mean.toFixed(4)} (allowed ±${allowed.toFixed(4)})`);
  }
  assert.deepEqual(failures, []);
}
