import { readRequest } from '../../../src/engine/job/job';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { runFit } from '../../../src/engine/fit/runFit';
import type { FitOutput } from '../../../src/engine/output/fitOutput';
import { cellDocument, fitSource, withOptions } from '../fit/notebookFits';

/**
 * A normal node whose mean multiplies two normal factors (matrix factorisation,
 * vi/bilinearTerm.ts), on examples/vi/matrix-factorisation.ipynb's ratings.
 */
const VI = resolve(__dirname, '../../../examples/vi');
const mfCell = (): string => cellDocument('../vi/matrix-factorisation.ipynb', 0);
const mean = (out: FitOutput, name: string): number => out.variational!.nodes.find((n) => n.name === name)!.mean;

/** RMSE of E[U]·E[V] on the held-out ratings. */
function testRmse(out: FitOutput): number {
  const rows = readFileSync(resolve(VI, 'ratings-test.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
  let squares = 0;
  for (const [u, j, r] of rows) {
    let p = 0;
    for (let l = 1; l <= 2; l++) p += mean(out, `U[${u},${l}]`) * mean(out, `V[${j},${l}]`);
    squares += (p - r!) ** 2;
  }
  return Math.sqrt(squares / rows.length);
}

describe('VI with a bilinear mean (matrix factorisation)', () => {
  it('the notebook\'s fit: one Gaussian block per user and item, test RMSE 0.835 as stated', async () => {
    const out = await fitSource(mfCell(), VI);
    assert.equal(out.status, 'converged', JSON.stringify(out.messages));
    assert.match(out.engine, /50 Gaussian block factors, 1 gamma factor/);
    const rmse = testRmse(out);
    assert.ok(Math.abs(rmse - 0.835) < 1e-3, `test RMSE ${rmse}`);
    assert.ok(Math.abs(mean(out, 'tau') - 4.14) < 0.01, `tau ${mean(out, 'tau')}`);
  });

  it('never decreases the ELBO (each block\'s update is exact given the other side\'s moments), seeds 1–3', async () => {
    for (const seed of [1, 2, 3]) {
      const out = await fitSource(withOptions(mfCell(), { seed: String(seed), tol: '1e-13', iterations: '200' }), VI);
      const curve = out.objective.values;
      assert.ok(curve.length > 10 && curve.every(Number.isFinite), `seed ${seed}`);
      for (let i = 1; i < curve.length; i++) assert.ok(curve[i]! >= curve[i - 1]! - 1e-9 * Math.abs(curve[i - 1]!), `seed ${seed}, iteration ${i + 1}: ${curve[i - 1]} → ${curve[i]}`);
    }
  });

  it('a product with terms linear in a factor is refused at its statement', async () => {
    const out = await runFit(readRequest('fit', `model {
  a ~ dnorm(0, 1)
  b ~ dnorm(0, 1)
  for (i in 1:3) { y[i] ~ dnorm(a * b + a, 1) }
  x ~ dnorm(a, 1)
}
data list(y = c(1, 2, 3), x = 0.5)
fit with vi(seed = 1)`, {}, () => 1));
    assert.equal(out.status, 'failed');
    const message = out.messages.find((m) => m.severity === 'error')!;
    assert.match(message.message, /multiplies two normal nodes/);
    assert.equal(message.range?.startLine, 4);
  });
});
