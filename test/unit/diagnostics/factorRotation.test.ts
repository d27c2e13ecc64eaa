import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { runFindings } from '../../../src/engine/convergence/findings';
import { findFactorRotations } from '../../../src/engine/diagnostics/factorRotation';
import { readRequest } from '../../../src/engine/job/job';
import { prepareChain, sampleChain } from '../../../src/engine/run/chainSession';
import { DrawStore } from '../../../src/engine/run/drawStore';
import { BUILT_IN_DEFAULTS } from '../../../src/engine/run/request';
import { summarizeDraws } from '../../../src/engine/run/summarize';
import type { RunOutput } from '../../../src/engine/output/runOutput';
import { PPCA } from '../fit/userModels';

const EM = resolve(__dirname, '../../../examples/em');

/** Segment moments of a loading matrix: each segment's means are `base` times a per-segment matrix R, sds 0.05. */
function segments(base: number[][], rotations: number[][][]): Array<{ name: string; moments: { length: number; means: Float64Array; sds: Float64Array } }> {
  const out = [];
  for (let d = 0; d < base.length; d++) {
    for (let k = 0; k < base[0]!.length; k++) {
      const means = Float64Array.from(rotations, (r) => base[d]!.reduce((sum, w, j) => sum + w * r[j]![k]!, 0));
      out.push({ name: `W[${d + 1},${k + 1}]`, moments: { length: 500, means, sds: new Float64Array(rotations.length).fill(0.05) } });
    }
  }
  return out;
}

const BASE = [[1, 0.2], [0.8, -0.5], [0.3, 1.1], [-0.6, 0.4], [0.9, 0.9]];
const I = [[1, 0], [0, 1]];
const FLIP2 = [[1, 0], [0, -1]];
const turn = (a: number): number[][] => [[Math.cos(a), -Math.sin(a)], [Math.sin(a), Math.cos(a)]];

describe('sign flips and rotations of factor loadings, explained', () => {
  it('a sign flip of the second factor in some segments: found, called a change of sign, with the fix', () => {
    const [finding] = findFactorRotations(segments(BASE, [I, I, FLIP2, FLIP2]));
    assert.ok(finding);
    assert.equal(finding.nodes.length, 10);
    assert.match(finding.message, /change of sign/);
    assert.match(finding.message, /lower-triangular W/);
  });

  it('a rotation by 40°: found and called a rotation; segments that agree, or differ by more than a rotation, are not', () => {
    assert.match(findFactorRotations(segments(BASE, [I, I, turn(0.7), turn(0.7)]))[0]!.message, /a rotation of the factors/);
    assert.deepEqual(findFactorRotations(segments(BASE, [I, I, I, I])), []);
    const scaled = segments(BASE, [I, I, [[2, 0], [0, 2]], [[2, 0], [0, 2]]]);
    assert.deepEqual(findFactorRotations(scaled), [], 'a scaling is no rotation');
  });

  it('PPCA of examples/em/ppca.ipynb sampled with 4 chains: the loadings get a factor-rotation finding, not an R-hat one', () => {
    // The notebook's model (test/unit/fit/userModels.ts holds it as ppca.ipynb has it), sampled instead of fitted.
    const source = PPCA('sample with gibbs(chains = 4, burnin = 300, iterations = 400, seed = 2, monitor = c(W, tau))');
    const request = readRequest('sample', source, BUILT_IN_DEFAULTS, () => 1, { baseDirectory: EM });
    const chains = request.settings.chains;
    let monitors: Array<{ name: string; sampler: string }> = [];
    const chunks: Float64Array[][] = [];
    for (let c = 0; c < chains; c++) {
      const session = prepareChain(request, c);
      monitors = session.monitors.map((m) => ({ name: m.name, sampler: m.sampler }));
      const got: Float64Array[] = [];
      sampleChain(session, request.settings, (_, draws) => got.push(Float64Array.from(draws)));
      chunks.push(got);
    }
    const nodes = summarizeDraws(DrawStore.fromChunks(chunks, monitors.length), monitors, 1, false);
    const loadings = nodes.filter((n) => n.name.startsWith('W['));
    assert.ok(loadings.every((n) => n.factorRotation), `every loading explained: ${loadings.map((n) => `${n.name} R-hat ${n.diagnostics?.rhat.toFixed(2)}`).join(', ')}`);
    const output = { status: 'complete', nodes, messages: [] } as unknown as RunOutput;
    const codes = runFindings(output).map((f) => [f.code, f.nodes.filter((n) => n.startsWith('W[')).length]);
    assert.deepEqual(codes.filter(([code]) => code === 'factor-rotation'), [['factor-rotation', 10]]);
    assert.ok(!codes.some(([code, count]) => code === 'rhat' && (count as number) > 0), `no R-hat finding on W: ${JSON.stringify(codes)}`);
  });
});
