import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { McemStopping } from '../../../src/engine/fit/mcemStopping';
import { Random } from '../../../src/engine/random/rng';
import { fitSource } from './notebookFits';

const PUMP = resolve(__dirname, '../../../examples/classic-bugs/pump');

/** The pump model's marginal log posterior of (alpha, beta), theta integrated out: x_i ~ negative binomial. */
function pumpLogPosterior(a: number, b: number): number {
  const t = [94.3, 15.7, 62.9, 126, 5.24, 31.4, 1.05, 1.05, 2.1, 10.5];
  const x = [5, 1, 5, 14, 3, 19, 1, 1, 4, 22];
  let s = 0;
  for (let i = 0; i < t.length; i++) s += lgamma(a + x[i]!) - lgamma(a) + a * Math.log(b / (b + t[i]!)) + x[i]! * Math.log(t[i]! / (b + t[i]!));
  return s - a + (0.1 - 1) * Math.log(b) - b;
}

function lgamma(z: number): number {
  // Stirling's series after shifting z above 10: error below 1e-12 there.
  let shift = 0;
  while (z < 10) shift -= Math.log(z++);
  return shift + (z - 0.5) * Math.log(z) - z + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * z) - 1 / (360 * z ** 3) + 1 / (1260 * z ** 5);
}

/** The marginal posterior mode by coordinate search (a smooth 2-D objective): the fixed point MCEM's M-steps aim at. */
function pumpMode(): [number, number] {
  let a = 0.5;
  let b = 0.5;
  for (let step = 0.1; step > 1e-10; ) {
    const moves: Array<[number, number]> = [[step, 0], [-step, 0], [0, step], [0, -step]];
    const better = moves.find(([da, db]) => a + da > 0 && b + db > 0 && pumpLogPosterior(a + da, b + db) > pumpLogPosterior(a, b));
    if (better) [a, b] = [a + better[0], b + better[1]];
    else step /= 2;
  }
  return [a, b];
}

describe('Monte-Carlo EM stops when its iterates show no trend beyond their noise', () => {
  it('pump.bug from inits.R: settles long before max.iter, at the marginal posterior mode', async () => {
    const source = `${readFileSync(resolve(PUMP, 'pump.bug'), 'utf8')}\ndata from "data.R"\ninits from "inits.R"\nfit with mcem(seed = 7)\n`;
    const out = await fitSource(source, PUMP);
    assert.equal(out.status, 'converged', out.messages.map((m) => m.message).join('\n'));
    // The E-step grows from 10 to 40 sweeps (15 iterations), then the window of 20 fills; a few more at most.
    assert.ok(out.iteration >= 30 && out.iteration < 200, `iterations ${out.iteration}`);
    const [alpha, beta] = pumpMode();
    const value = (name: string): number => out.params.find((p) => p.name === name)!.value;
    // The rule holds the window mean's Monte-Carlo standard error below √1e-5 ≈ 0.0032 (iterates taken as
    // independent; their autocorrelation makes it larger): 0.02 is 6 such errors.
    assert.ok(Math.abs(value('alpha') - alpha) < 0.02, `alpha ${value('alpha')} vs mode ${alpha}`);
    assert.ok(Math.abs(value('beta') - beta) < 0.02, `beta ${value('beta')} vs mode ${beta}`);
  });

  it('a trend larger than the noise keeps it going; noise alone around a fixed value stops it', () => {
    const random = new Random(3);
    const trending = new McemStopping(1e-5);
    // Geometric approach at rate 0.9 with noise 1e-3: the two halves' means differ by ~0.6·distance ≫ their error.
    for (let t = 0; t < 20; t++) trending.push(Float64Array.of(1 + 0.5 * 0.9 ** t + 1e-3 * random.normal()));
    assert.equal(trending.settled(), false);
    const flat = new McemStopping(1e-5);
    for (let t = 0; t < 20; t++) flat.push(Float64Array.of(1 + 1e-3 * random.normal()));
    assert.equal(flat.settled(), true);
    assert.ok(Math.abs(flat.mean()[0]! - 1) < 4 * 1e-3 / Math.sqrt(20));
  });
});
