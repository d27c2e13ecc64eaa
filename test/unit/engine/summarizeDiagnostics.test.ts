import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagnose } from '../../../src/engine/diagnostics/convergence';
import { RUN_OUTPUT_SCHEMA, type NodeResult, type RunOutput } from '../../../src/engine/output/runOutput';
import { formatSummaryTable } from '../../../src/engine/output/summaryTable';
import { Random } from '../../../src/engine/random/rng';
import { DrawStore } from '../../../src/engine/run/drawStore';
import { labelSwitchingMessages, summarizeDraws } from '../../../src/engine/run/summarize';

/** A store with one row per kept iteration and one column per monitor, filled by `value(chain, t, monitor)`. */
function store(chains: number, rows: number, monitors: number, value: (c: number, t: number, m: number, r: Random) => number): DrawStore {
  const s = new DrawStore(chains, monitors);
  for (let c = 0; c < chains; c++) {
    const random = new Random(21, c);
    const data = new Float64Array(rows * monitors);
    for (let t = 0; t < rows; t++) for (let m = 0; m < monitors; m++) data[t * monitors + m] = value(c, t, m, random);
    // Two chunks, as streamed draws arrive.
    s.append(c, data.subarray(0, Math.floor(rows / 3) * monitors));
    s.append(c, data.subarray(Math.floor(rows / 3) * monitors));
  }
  return s;
}

describe('diagnostics in a run summary', () => {
  it('come from every kept draw, as diagnose() gives them on the chains, odd lengths included', () => {
    for (const rows of [600, 601]) {
      const s = store(3, rows, 2, (_c, t, m, r) => r.normal() + (m === 1 ? t / 300 : 0));
      const nodes = summarizeDraws(s, [{ name: 'a', sampler: 'x' }, { name: 'b', sampler: 'x' }], 1, false);
      for (let m = 0; m < 2; m++) {
        const expected = diagnose(Array.from({ length: 3 }, (_, c) => s.column(c, m)));
        const got = nodes[m]!.diagnostics!;
        for (const key of Object.keys(got) as (keyof typeof got)[]) assert.equal(got[key], expected[key], `${rows} rows, node ${m}, ${key}`);
      }
      assert.ok(nodes[1]!.diagnostics!.rhat > 1.1, 'the trending node is flagged');
    }
  });

  it('are left out of previews, which see thinned draws only', () => {
    const s = store(2, 3000, 1, (_c, _t, _m, r) => r.normal());
    const [preview] = summarizeDraws(s, [{ name: 'a', sampler: 'x' }], 1, true);
    assert.equal(preview!.diagnostics, undefined);
  });

  it('use the chains cut to the shortest when a cancelled run left them uneven, and skip empty chains', () => {
    const s = new DrawStore(3, 1);
    const random = new Random(4);
    s.append(0, Float64Array.from({ length: 500 }, () => random.normal()));
    s.append(1, Float64Array.from({ length: 300 }, () => random.normal()));
    const [node] = summarizeDraws(s, [{ name: 'a', sampler: 'x' }], 1, false);
    const expected = diagnose([s.column(0, 0).subarray(0, 300), s.column(1, 0)]);
    assert.equal(node!.diagnostics!.ess_bulk, expected.ess_bulk);
    assert.equal(node!.draws, 0); // the empty third chain, as before
  });

  it('mark label switching on the nodes and give one run message for them', () => {
    // mu[1] near 0 and mu[2] near 6 in chain 1, the other way round in chain 2.
    const s = store(2, 1000, 3, (c, _t, m, r) => (m === 2 ? r.normal() : r.normal() + (m === c ? 0 : 6)));
    const nodes = summarizeDraws(s, [{ name: 'mu[1]', sampler: 'x' }, { name: 'mu[2]', sampler: 'x' }, { name: 'sigma', sampler: 'x' }], 1, false);
    assert.match(nodes[0]!.labelSwitching!, /^mu\[1\], mu\[2\]: chain 1 and chain 2 differ by a swap of labels 1↔2 \(label switching\)/);
    assert.equal(nodes[1]!.labelSwitching, nodes[0]!.labelSwitching);
    assert.equal(nodes[2]!.labelSwitching, undefined);
    const messages = labelSwitchingMessages(nodes);
    assert.equal(messages.length, 1);
    assert.equal(messages[0]!.severity, 'warning');
    assert.equal(messages[0]!.message, nodes[0]!.labelSwitching);
  });
});

describe('the text table with diagnostics', () => {
  function output(nodes: NodeResult[]): RunOutput {
    return {
      schema: RUN_OUTPUT_SCHEMA,
      status: 'complete',
      settings: { algorithm: 'gibbs', chains: 2, burnin: 0, iterations: 1000, thin: 1, seed: 1, monitor: [] },
      progress: { done: 2000, total: 2000 },
      nodes,
      messages: labelSwitchingMessages(nodes),
      timings: { compileMs: 0, sampleMs: 0, totalMs: 0 },
    };
  }

  it('adds R-hat, bulk and tail ESS and the MCSE of the mean, flags what is past the limits and explains the flag', () => {
    // Node "good": independent draws; node "stuck": the chains sit 3 sd apart.
    const s = store(2, 1000, 2, (c, _t, m, r) => r.normal() + (m === 1 && c === 1 ? 3 : 0));
    const text = formatSummaryTable(output(summarizeDraws(s, [{ name: 'good', sampler: 'x' }, { name: 'stuck', sampler: 'x' }], 1, false)));
    const lines = text.split('\n');
    assert.match(lines.find((l) => l.startsWith('node'))!, /97\.5% +rhat +ess_bulk +ess_tail +mcse_mean +sampler$/);
    const good = lines.find((l) => l.startsWith('good'))!;
    const stuck = lines.find((l) => l.startsWith('stuck'))!;
    assert.doesNotMatch(good, /!/);
    assert.match(stuck, / \d\.\d{3}! +\d+! +\d+! /);
    assert.match(text, /! R-hat ≥ 1\.01 or ESS < 400/);
  });

  it('puts the label-switching warning among the messages', () => {
    const s = store(2, 1000, 2, (c, _t, m, r) => r.normal() + (m === c ? 0 : 6));
    const text = formatSummaryTable(output(summarizeDraws(s, [{ name: 'mu[1]', sampler: 'x' }, { name: 'mu[2]', sampler: 'x' }], 1, false)));
    assert.match(text, /warning: mu\[1\], mu\[2\]: chain 1 and chain 2 differ by a swap of labels 1↔2 \(label switching\)/);
  });

  it('leaves the columns out when no node has diagnostics (a preview)', () => {
    const s = store(2, 100, 1, (_c, _t, _m, r) => r.normal());
    const text = formatSummaryTable(output(summarizeDraws(s, [{ name: 'a', sampler: 'x' }], 1, true)));
    assert.doesNotMatch(text, /rhat/);
  });
});
