import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rhat } from '../../../src/engine/diagnostics/convergence';
import type { ParameterDraws } from '../../../src/engine/diagnostics/draws';
import { findLabelSwitching, findLabelSwitchingInDraws } from '../../../src/engine/diagnostics/labelSwitching';
import { Random } from '../../../src/engine/random/rng';

/** Draws around `centre` with sd 1 and some autocorrelation (AR(1), φ = 0.5), as a sampler would give. */
function chain(random: Random, length: number, centre: (t: number) => number): Float64Array {
  const out = new Float64Array(length);
  let x = 0;
  for (let t = 0; t < length; t++) {
    x = 0.5 * x + Math.sqrt(0.75) * random.normal();
    out[t] = centre(t) + x;
  }
  return out;
}

/**
 * Components `name[1..K]` with true centres `centres`; `chainCentres[c]` gives, per chain, the
 * centre each label sits at (a permutation of `centres` for switched labels).
 */
function mixture(name: string, chainCentres: ((t: number) => number)[][], seed: number, length = 1000): ParameterDraws[] {
  const k = chainCentres[0]!.length;
  return Array.from({ length: k }, (_, i) => ({
    name: `${name}[${i + 1}]`,
    chains: chainCentres.map((centres, c) => chain(new Random(seed, 10 * c + i), length, centres[i]!)),
  }));
}

const at = (v: number) => () => v;

describe('label switching', () => {
  it('is found when chain 2 has the labels of two components swapped', () => {
    const mu = mixture('mu', [[at(0), at(5)], [at(5), at(0)]], 1);
    const tau = mixture('tau', [[at(10), at(20)], [at(20), at(10)]], 2);
    const findings = findLabelSwitchingInDraws([...mu, ...tau]);
    assert.equal(findings.length, 1, JSON.stringify(findings));
    assert.deepEqual(findings[0]!.nodes, ['mu[1]', 'mu[2]', 'tau[1]', 'tau[2]']);
    assert.match(findings[0]!.message, /^mu\[1\], mu\[2\], tau\[1\], tau\[2\]: chain 1 and chain 2 differ by a swap of labels 1↔2 \(label switching\); R-hat for these nodes is not meaningful/);
    assert.ok(rhat(mu[0]!.chains) > 1.5); // what the message explains
  });

  it('is not claimed for chains that are apart without being a relabelling', () => {
    // Chain 2 has not converged: its components sit at 2 and 9, not at 5 and 0.
    const mu = mixture('mu', [[at(0), at(5)], [at(2), at(9)]], 3);
    assert.ok(rhat(mu[0]!.chains) > 1.1 && rhat(mu[1]!.chains) > 1.1);
    assert.deepEqual(findLabelSwitchingInDraws(mu), []);
    // Nor when one component agrees and the other is off: (0, 5) against (0, 8).
    assert.deepEqual(findLabelSwitchingInDraws(mixture('mu', [[at(0), at(5)], [at(0), at(8)]], 4)), []);
    // Nor when only one chain is apart from the others by a trend, without a matching relabelling.
    assert.deepEqual(findLabelSwitchingInDraws(mixture('mu', [[at(0), at(5)], [(t) => t / 50, at(5)]], 5)), []);
  });

  it('stays quiet for converged chains', () => {
    assert.deepEqual(findLabelSwitchingInDraws(mixture('mu', [[at(0), at(5)], [at(0), at(5)], [at(0), at(5)]], 6)), []);
  });

  it('finds a switch half-way through a single chain', () => {
    const mu = mixture('mu', [[(t) => (t < 500 ? 0 : 6), (t) => (t < 500 ? 6 : 0)]], 7);
    const [finding] = findLabelSwitchingInDraws(mu);
    assert.match(finding!.message, /the first half of chain 1 and the second half of chain 1 differ by a swap of labels 1↔2/);
  });

  it('names a cyclic relabelling of three components and groups chains', () => {
    const plain = [at(0), at(5), at(10)];
    const cycled = [at(5), at(10), at(0)]; // label 1 sits where label 2 was in chain 1, …
    const mu = mixture('mu', [plain, cycled, plain, cycled], 8);
    const [finding] = findLabelSwitchingInDraws(mu);
    assert.deepEqual(finding!.nodes, ['mu[1]', 'mu[2]', 'mu[3]']);
    assert.match(finding!.message, /chains 1, 3 and chains 2, 4 differ by a relabelling 1→3→2→1/);
  });

  it('leaves a swap of two of three labels to those two', () => {
    const mu = mixture('mu', [[at(0), at(5), at(10)], [at(5), at(0), at(10)]], 9);
    const [finding] = findLabelSwitchingInDraws(mu);
    assert.deepEqual(finding!.nodes, ['mu[1]', 'mu[2]']);
  });

  it('matches many labels greedily: eight components, swapped in pairs in chain 2', () => {
    const centres = Array.from({ length: 8 }, (_, i) => at(5 * i));
    const swapped = centres.map((_, i) => centres[i ^ 1]!); // 1↔2, 3↔4, 5↔6, 7↔8: all eight out of place
    const [finding] = findLabelSwitchingInDraws(mixture('mu', [centres, swapped], 10, 2000));
    assert.equal(finding!.nodes.length, 8);
    assert.match(finding!.message, /a swap of labels 1↔2, 3↔4, 5↔6 and 7↔8/);
  });

  it('gives up quickly on a long vector whose chains are simply apart', () => {
    const k = 2000;
    const elements = Array.from({ length: k }, (_, i) => ({
      name: `y[${i + 1}]`,
      moments: { length: 100, means: Float64Array.of(0, 0, 3 + (i % 7), 3 + (i % 7)), sds: Float64Array.of(1, 1, 1, 1) },
    }));
    const started = performance.now();
    assert.deepEqual(findLabelSwitching(elements), []);
    assert.ok(performance.now() - started < 1000);
  });

  /** Scalars `name[...]` of a grid whose index at `axis` is the label; `centre(label, rest)` per chain (labels 0-based). */
  function grid(name: string, shape: number[], axis: number, chainLabels: number[][], seed: number): ParameterDraws[] {
    const out: ParameterDraws[] = [];
    const total = shape.reduce((a, b) => a * b, 1);
    for (let flat = 0; flat < total; flat++) {
      const index: number[] = [];
      let rest = flat;
      for (const size of shape) {
        index.push(rest % size);
        rest = Math.floor(rest / size);
      }
      const label = index[axis]!;
      const others = index.filter((_, i) => i !== axis).reduce((a, b) => 10 * a + b, 0);
      out.push({
        name: `${name}[${index.map((i) => i + 1).join(',')}]`,
        // Label l of chain c sits where label chainLabels[c][l] sits in truth: 8 sds apart per label, 3 per other index.
        chains: chainLabels.map((labels, c) => chain(new Random(seed, 100 * c + flat), 1000, at(8 * labels[label]! + 3 * others))),
      });
    }
    return out;
  }

  it("is found for a Bernoulli mixture's p[k,d] whose rows k are swapped, naming every element of the moved rows", () => {
    const p = grid('p', [2, 3], 0, [[0, 1], [1, 0], [0, 1], [1, 0]], 11);
    const [finding, ...more] = findLabelSwitchingInDraws(p);
    assert.equal(more.length, 0);
    assert.deepEqual([...finding!.nodes].sort(), ['p[1,1]', 'p[1,2]', 'p[1,3]', 'p[2,1]', 'p[2,2]', 'p[2,3]']);
    assert.match(finding!.message, /chains 1, 3 and chains 2, 4 differ by a swap of labels 1↔2 \(label switching\)/);
  });

  it('is found for mu[k,1:D] together with the weights w[k] when both move', () => {
    const mu = grid('mu', [3, 2], 0, [[0, 1, 2], [1, 0, 2]], 12);
    const w = grid('w', [3], 0, [[0, 1, 2], [1, 0, 2]], 13);
    const findings = findLabelSwitchingInDraws([...mu, ...w]);
    assert.equal(findings.length, 1, JSON.stringify(findings.map((f) => f.message)));
    assert.deepEqual([...findings[0]!.nodes].sort(), ['mu[1,1]', 'mu[1,2]', 'mu[2,1]', 'mu[2,2]', 'w[1]', 'w[2]']);
  });

  it('is found along the last index, Omega[,,k]', () => {
    const omega = grid('Omega', [2, 2, 2], 2, [[0, 1], [1, 0]], 14);
    const [finding] = findLabelSwitchingInDraws(omega);
    assert.ok(finding, 'a finding');
    assert.equal(finding.nodes.length, 8);
    assert.ok(finding.nodes.every((n) => /^Omega\[\d,\d,[12]\]$/.test(n)));
  });

  it('is not claimed for a multi-index node when only one element of a label moves (a mode, not a relabelling)', () => {
    const p = grid('p', [2, 2], 0, [[0, 1], [0, 1]], 15);
    // Chain 2's p[1,2] alone sits at p[2,2]'s place: rows are not swapped as wholes.
    const moved = p.find((s) => s.name === 'p[1,2]')!;
    moved.chains[1] = chain(new Random(15, 999), 1000, at(8 + 3));
    assert.deepEqual(findLabelSwitchingInDraws(p), []);
  });

  it('stays quiet for converged multi-index nodes', () => {
    assert.deepEqual(findLabelSwitchingInDraws(grid('p', [3, 4], 0, [[0, 1, 2], [0, 1, 2], [0, 1, 2]], 16)), []);
  });
});
