import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitFindings } from '../../../src/engine/convergence/fitFindings';
import { runFindings, sbcFindings } from '../../../src/engine/convergence/findings';
import { placeOnDirective, placeOnStatements, relocate } from '../../../src/engine/convergence/placement';
import type { FitOutput } from '../../../src/engine/output/fitOutput';
import type { NodeResult, RunOutput } from '../../../src/engine/output/runOutput';
import type { SbcOutput } from '../../../src/engine/sbc/sbcOutput';
import { MIXTURE_CELL as MIXTURE } from './mixtureCell';


/** A node's result with the diagnostics that matter here; the rest is filler the findings do not read. */
function node(name: string, rhat: number, ess: number, extra: Partial<NodeResult> = {}): NodeResult {
  return {
    name,
    sampler: 'conjugate normal',
    draws: 2000,
    summary: { mean: 1, sd: 0.5, 'q2.5': 0, q25: 0.5, q50: 1, q75: 1.5, 'q97.5': 2 },
    diagnostics: { rhat, rhat_basic: rhat, ess_bulk: ess, ess_tail: ess, ess_mean: ess, mcse_mean: 0.01, mcse_sd: 0.01, mcse_q5: 0.01, mcse_median: 0.01, mcse_q95: 0.01 },
    trace: { iterations: [], chains: [] },
    histogram: { edges: [], counts: [] },
    ...extra,
  };
}

function run(nodes: NodeResult[], status: RunOutput['status'] = 'complete'): RunOutput {
  return {
    schema: 'latent.run/1',
    status,
    settings: { algorithm: 'gibbs', chains: 4, burnin: 500, iterations: 2000, thin: 1, seed: 7, monitor: [] },
    progress: { done: 1, total: 1 },
    nodes,
    messages: [],
    timings: { compileMs: 0, sampleMs: 0, totalMs: 0 },
  };
}

const lineOf = (text: string, line: number): string => text.split('\n')[line]!;

describe('convergence findings placed on statements', () => {
  const switching = 'mu[1], mu[2], p[1], p[2]: chain 1 and chain 2 differ by a swap of labels 1↔2 (label switching); R-hat for these nodes is not meaningful until the labels are identified (order constraint, or fix one assignment).';
  const output = run([
    node('mu[1]', 1.73, 5, { labelSwitching: switching }),
    node('mu[2]', 1.71, 5, { labelSwitching: switching }),
    node('p[1]', 1.6, 6, { labelSwitching: switching }),
    node('p[2]', 1.6, 6, { labelSwitching: switching }),
    node('tau', 1.0, 6000),
  ]);

  it('puts label switching on each statement that defines a switched node, naming its own elements, and nothing on tau', () => {
    const { placed, unplaced } = placeOnStatements(MIXTURE, runFindings(output));
    assert.deepEqual(unplaced, []);
    assert.deepEqual(
      placed.map((p) => [p.code, p.range.start.line, p.nodes.join(' ')]),
      [
        ['label-switching', 1, 'mu[1]'],
        ['label-switching', 2, 'mu[2]'],
        ['label-switching', 4, 'p[1] p[2]'],
      ],
    );
    assert.equal(lineOf(MIXTURE, placed[0]!.range.start.line).trim(), 'mu[1] ~ dnorm(0, 0.01)');
    assert.match(placed[2]!.message, /^p\[1\], p\[2\]: chain 1 and chain 2 differ by a swap of labels 1↔2 \(label switching\)/);
    assert.equal(placed[2]!.anchor, 'p[1:2] ~ ddirch(alpha[])');
    // The R-hat of switched nodes is explained by the switching: no second warning.
    assert.ok(!placed.some((p) => p.code === 'rhat'));
  });

  it('flags R-hat and low ESS of an indexed node on the statement in its loop, with the offending elements and values', () => {
    const text = 'model {\n  for (j in 1:J) {\n    theta[j] ~ dnorm(mu, 1)\n  }\n  mu ~ dnorm(0, 1)\n}\nsample with gibbs()';
    const out = run([node('theta[1]', 1.0, 3000), node('theta[2]', 1.05, 300), node('theta[3]', 1.0, 120), node('mu', 1.0, 2000)]);
    const { placed } = placeOnStatements(text, runFindings(out), { run: new Map(out.nodes.map((n) => [n.name, n])) });
    assert.deepEqual(placed.map((p) => [p.code, p.range.start.line, p.nodes]), [
      ['rhat', 2, ['theta[2]']],
      ['low-ess', 2, ['theta[3]']],
    ]);
    assert.match(placed[0]!.message, /^theta\[2\]: R-hat 1\.05 ≥ 1\.01/);
    assert.match(placed[1]!.message, /^theta\[3\]: effective sample size 120 < 400/);
  });

  it('picks, among statements of one variable, the one whose constant index or loop range holds the element', () => {
    const text = 'model {\n  b[1] ~ dnorm(0, 1)\n  for (k in 2:4) {\n    b[k] ~ dnorm(b[k - 1], 1)\n  }\n}';
    const out = run([node('b[1]', 1.2, 50), node('b[3]', 1.2, 50)]);
    const { placed } = placeOnStatements(text, runFindings(out));
    assert.deepEqual(placed.map((p) => [p.range.start.line, p.nodes]), [
      [1, ['b[1]']],
      [3, ['b[3]']],
    ]);
  });

  it('gives nothing for a running or failed output, and nothing for a healthy one', () => {
    assert.deepEqual(runFindings({ ...output, status: 'running' }), []);
    assert.deepEqual(runFindings(run([node('tau', 1.0, 5000)])), []);
  });

  it('says nothing of diagnostics that could not be computed (null in saved JSON), nor of observed or constant deterministic nodes', () => {
    const constant = { mean: 2, sd: 0, 'q2.5': 2, q25: 2, q50: 2, q75: 2, 'q97.5': 2 };
    const observed = node('y[1]', Number.NaN, Number.NaN, { sampler: 'observed', summary: constant });
    const derived = node('n.groups', Number.NaN, Number.NaN, { sampler: 'deterministic', summary: constant });
    const saved = JSON.parse(JSON.stringify(run([observed, derived, node('tau', 1.0, 5000)]))) as RunOutput;
    assert.equal(saved.nodes[0]!.diagnostics!.ess_bulk, null);
    assert.deepEqual(runFindings(saved), []);
  });

  it('names a node the sampler never moved', () => {
    const stuck = node('sigma', Number.NaN, Number.NaN, { sampler: 'slice', summary: { mean: 1, sd: 0, 'q2.5': 1, q25: 1, q50: 1, q75: 1, 'q97.5': 1 } });
    const [finding] = runFindings(run([stuck]));
    assert.equal(finding!.code, 'stuck-node');
    assert.deepEqual(finding!.nodes, ['sigma']);
  });

  it('puts SBC rejections on the model statements of the rejected nodes', () => {
    const sbc = {
      schema: 'latent.sbc/1',
      status: 'complete',
      nodes: [
        { name: 'mu[1]', pValue: 1e-12 },
        { name: 'tau', pValue: 0.4 },
      ],
    } as unknown as SbcOutput;
    const { placed } = placeOnStatements(MIXTURE, sbcFindings(sbc), { sbc: new Map(sbc.nodes.map((n) => [n.name, n])) });
    assert.deepEqual(placed.map((p) => [p.code, p.range.start.line]), [['sbc-rejection', 1]]);
    assert.match(placed[0]!.message, /^mu\[1\]: simulation-based calibration rejects uniform ranks \(p 1\.00e-12 < 0\.0050/);
  });

  it('puts fit findings about the whole run on the run directive', () => {
    const text = 'model { mu ~ dnorm(0, 1) }\nfit with em(max.iter = 20)';
    const fit = { status: 'max-iterations', settings: { method: 'em', maxIterations: 20, tolerance: 1e-3 }, objective: { kind: 'loglik', values: [-10, -9, -9.5] }, messages: [] } as unknown as FitOutput;
    const findings = fitFindings(fit);
    assert.deepEqual(findings.map((f) => f.code), ['not-converged', 'objective-decrease']);
    const placed = placeOnDirective(text, findings);
    assert.deepEqual(placed.map((p) => p.range.start.line), [1, 1]);
    assert.equal(placed[0]!.anchor, 'fit with em(max.iter = 20)');
  });

  it('places a collapsed variance on its node and reads Monte-Carlo EM noise from the objective', () => {
    const text = 'model {\n  tau ~ dgamma(1, 1)\n}\nfit with mcem()';
    const fit = {
      status: 'converged',
      settings: { method: 'mcem', maxIterations: 100, tolerance: 1e-3 },
      objective: { kind: 'loglik', values: [-20, -12, -11, -11.2, -10.9, -11.1] },
      messages: [{ severity: 'warning', message: 'tau: the variance it describes collapsed to 0 (the values it governs are all equal)' }],
    } as unknown as FitOutput;
    const findings = fitFindings(fit);
    assert.deepEqual(findings.map((f) => f.code), ['mcem-noise', 'collapsed-variance']);
    const { placed, unplaced } = placeOnStatements(text, findings);
    assert.deepEqual(placed.map((p) => [p.code, p.range.start.line]), [['collapsed-variance', 1]]);
    assert.deepEqual(unplaced.map((f) => f.code), ['mcem-noise']);
  });
});

describe('a placed finding after an edit', () => {
  const output = run([node('mu[1]', 1.3, 10), node('tau', 1.0, 5000)]);
  const [finding] = placeOnStatements(MIXTURE, runFindings(output)).placed;

  it('moves with its statement when lines are added above it', () => {
    const moved = relocate(finding!, `# a comment\n${MIXTURE}`);
    assert.equal(moved?.start.line, 2);
  });

  it('is dropped when its statement is edited', () => {
    assert.equal(relocate(finding!, MIXTURE.replace('mu[1] ~ dnorm(0, 0.01)', 'mu[1] ~ dnorm(0, 0.1)')), undefined);
  });

  it('stays when another statement is edited', () => {
    assert.equal(relocate(finding!, MIXTURE.replace('tau ~ dgamma(2, 2)', 'tau ~ dgamma(1, 1)'))?.start.line, 1);
  });
});
