import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NodeResult, RunOutput } from '../../../src/engine/output/runOutput';
import type { SbcOutput } from '../../../src/engine/sbc/sbcOutput';
import { placeJobFindings, readJobOutput, type CellText } from '../../../src/extension/convergence/jobFindings';
import { quickFixesFor } from '../../../src/extension/convergence/quickFixLogic';
import { resultHoverAt, resultInlayHints } from '../../../src/extension/convergence/resultHoverLogic';
import { applyEdits as apply, MIXTURE_CELL as MIXTURE } from '../convergence/mixtureCell';

const CALIBRATE = 'calibrate mixture with sbc(simulations = 200, burnin = 200, seed = 1)';
const cells: CellText[] = [
  { key: 'cell:0', text: '' }, // a markdown cell
  { key: 'cell:1', text: MIXTURE },
  { key: 'cell:2', text: CALIBRATE },
];
const textOf = (key: string): string | undefined => cells.find((c) => c.key === key)?.text;

const SWITCHING = 'mu[1], mu[2], p[1], p[2]: chain 1 and chain 2 differ by a swap of labels 1↔2 (label switching); R-hat for these nodes is not meaningful until the labels are identified (order constraint, or fix one assignment).';

function node(name: string, mean: number, rhat: number, labelSwitching?: string): NodeResult {
  return {
    name,
    sampler: name === 'tau' ? 'conjugate gamma' : 'block normal (2)',
    draws: 2000,
    summary: { mean, sd: 0.25, 'q2.5': mean - 0.5, q25: mean, q50: mean, q75: mean, 'q97.5': mean + 0.5 },
    diagnostics: { rhat, rhat_basic: rhat, ess_bulk: rhat > 1.1 ? 7 : 5000, ess_tail: rhat > 1.1 ? 9 : 5000, ess_mean: 5000, mcse_mean: 0, mcse_sd: 0, mcse_q5: 0, mcse_median: 0, mcse_q95: 0 },
    ...(labelSwitching ? { labelSwitching } : {}),
    trace: { iterations: [], chains: [] },
    histogram: { edges: [], counts: [] },
  };
}

const run: RunOutput = {
  schema: 'latent.run/1',
  status: 'complete',
  settings: { algorithm: 'gibbs', chains: 4, burnin: 500, iterations: 2000, thin: 1, seed: 7, monitor: ['mu', 'p', 'tau'] },
  progress: { done: 10000, total: 10000 },
  nodes: [node('mu[1]', 1.9, 1.73, SWITCHING), node('mu[2]', 2.1, 1.71, SWITCHING), node('p[1]', 0.5, 1.6, SWITCHING), node('p[2]', 0.5, 1.6, SWITCHING), node('tau', 1.7, 1.0)],
  messages: [],
  timings: { compileMs: 0, sampleMs: 0, totalMs: 0 },
};

const bytes = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));


describe('findings of a cell run, in the notebook', () => {
  const job = readJobOutput('application/vnd.latent.run+json', bytes(run))!;
  const found = placeJobFindings(cells, 1, [job])!;

  it('reads only our outputs in a schema it knows', () => {
    assert.equal(readJobOutput('application/vnd.latent.run+json', bytes({ ...run, schema: 'latent.run/0' })), undefined);
    assert.equal(readJobOutput('text/plain', bytes(run)), undefined);
    assert.equal(readJobOutput('application/vnd.latent.run+json', new TextEncoder().encode('{not json')), undefined);
  });

  it("puts a warning on the mixture means' statements and the weights', none on tau's", () => {
    assert.deepEqual(
      found.placements.map((p) => [p.target, p.finding.code, MIXTURE.split('\n')[p.finding.range.start.line]!.trim()]),
      [
        ['cell:1', 'label-switching', 'mu[1] ~ dnorm(0, 0.01)'],
        ['cell:1', 'label-switching', 'mu[2] ~ dnorm(0, 0.01)'],
        ['cell:1', 'label-switching', 'p[1:2] ~ ddirch(alpha[])'],
      ],
    );
  });

  it('offers the ordering constraint first (preferred) and more chains, and the ordered model loses the switched statement', () => {
    const onWeights = found.placements[2]!;
    const fixes = quickFixesFor(onWeights, found.placements.filter((p) => p !== onWeights), textOf);
    assert.deepEqual(fixes.map((f) => f.title), [
      'Break the label switching: order mu (mu[k] = mu[k - 1] + a positive gap, as in the Eyes example)',
      'More chains: chains = 8',
    ]);
    assert.equal(fixes[0]!.preferred, true);
    const ordered = apply(MIXTURE, fixes[0]!.edits.map((e) => e.edit));
    assert.match(ordered, /\n {2}mu\[2\] <- mu\[1\] \+ mu\.gap\n {2}mu\.gap ~ dnorm\(0, 0\.01\) T\(0,\)\n/);
    const chains = apply(MIXTURE, fixes[1]!.edits.map((e) => e.edit));
    assert.match(chains, /sample with gibbs\(chains = 8, burnin = 500/);
  });

  it('hovers on mu with its latest results, and on a name without results with nothing', () => {
    const at = MIXTURE.indexOf('mu[2] ~') + 1;
    const hover = resultHoverAt(MIXTURE, at, found.results)!;
    assert.match(hover.markdown, /\| mu\[1\] \| 1\.9 \| 0\.25 \| 1\.4 – 2\.4 \| 1\.730 ⚠ ⇄ \| 7 \/ 9 ⚠ \| block normal \(2\) \|/);
    assert.match(hover.markdown, /\| mu\[2\] \|/);
    assert.equal(resultHoverAt(MIXTURE, MIXTURE.indexOf('alpha'), found.results), undefined);
    assert.equal(resultHoverAt(MIXTURE, MIXTURE.indexOf('dnorm') + 1, found.results), undefined, 'a distribution is not a node');
  });

  it("shows mean ± sd at the end of each statement defining one monitored scalar, not on p[1:2]'s", () => {
    const hints = resultInlayHints(MIXTURE, found.results).map((h) => [MIXTURE.slice(0, h.offset).split('\n').pop()!.trim(), h.label]);
    assert.deepEqual(hints, [
      ['mu[1] ~ dnorm(0, 0.01)', '1.9 ± 0.25'],
      ['mu[2] ~ dnorm(0, 0.01)', '2.1 ± 0.25'],
      ['tau ~ dgamma(2, 2)', '1.7 ± 0.25'],
    ]);
  });
});

describe('findings of a calibration of a model defined in another cell', () => {
  const sbc = {
    schema: 'latent.sbc/1',
    status: 'complete',
    settings: { simulations: 200, draws: 99, bins: 10, burnin: 200, thin: 2, seed: 1 },
    progress: { done: 200, total: 200 },
    failed: 0,
    nodes: [
      { name: 'mu[1]', sampler: 'block normal (2)', pValue: 1e-20 },
      { name: 'z[1]', sampler: 'finite enumeration', pValue: 1e-9 },
      { name: 'tau', sampler: 'conjugate gamma', pValue: 0.5 },
    ],
    messages: [],
    timings: { totalMs: 1 },
  } as unknown as SbcOutput;
  const found = placeJobFindings(cells, 2, [readJobOutput('application/vnd.latent.sbc+json', bytes(sbc))!])!;

  it("places the rejections in the model's cell, and the fixes edit the calibrate cell's burn-in and the model cell's monitor", () => {
    assert.equal(found.model, 'cell:1');
    assert.deepEqual(found.placements.map((p) => [p.target, p.finding.range.start.line, p.finding.nodes.join()]), [
      ['cell:1', 1, 'mu[1]'],
      ['cell:1', 6, 'z[1]'],
    ]);
    const onZ = found.placements[1]!;
    const fixes = quickFixesFor(onZ, [found.placements[0]!], textOf);
    assert.deepEqual(
      fixes.map((f) => [f.title, f.edits[0]!.target]),
      [
        ['Break the label switching: order mu (mu[k] = mu[k - 1] + a positive gap, as in the Eyes example)', 'cell:1'],
        ['More burn-in per simulation: burnin = 400', 'cell:2'],
        ['Monitor z', 'cell:1'],
      ],
    );
    assert.match(apply(MIXTURE, fixes[2]!.edits.map((e) => e.edit)), /monitor = c\(mu, p, tau, z\)\)$/);
  });
});

describe('quick fixes that ask a run or a fit for more', () => {
  it('on a high R-hat: run longer, more burn-in and more chains, from the settings the run used when the cell does not say', () => {
    const cell = 'model {\n  for (j in 1:3) {\n    theta[j] ~ dnorm(0, 1)\n  }\n}\nsample with gibbs(seed = 1)';
    const slow = { ...run, nodes: [node('theta[2]', 0, 1.05)], settings: { ...run.settings, iterations: 1500, burnin: 300, chains: 3 } };
    const found = placeJobFindings([{ key: 'c', text: cell }], 0, [readJobOutput('application/vnd.latent.run+json', bytes(slow))!])!;
    const [placement] = found.placements;
    assert.equal(placement!.finding.code, 'rhat');
    const fixes = quickFixesFor(placement!, [], () => cell);
    assert.deepEqual(fixes.map((f) => f.title), ['Run longer: iterations = 3000', 'More burn-in: burnin = 1000', 'More chains: chains = 6']);
    assert.equal(apply(cell, fixes[0]!.edits.map((e) => e.edit)), cell.replace('gibbs(seed = 1)', 'gibbs(seed = 1, iterations = 3000)'));
  });

  it("on a fit stopped at its limit: max.iter doubled; on Monte-Carlo EM's noise: more sweeps", () => {
    const cell = 'model { mu ~ dnorm(0, 1) }\nfit with mcem(max.iter = 50, sweeps = 20)';
    const fit = {
      schema: 'latent.fit/1',
      status: 'max-iterations',
      settings: { method: 'mcem', maxIterations: 50, tolerance: 1e-3, sweeps: 20 },
      objective: { kind: 'loglik', values: [-5, -4, -4.2, -4.1] },
      params: [{ name: 'mu', value: 0.3 }],
      messages: [],
    };
    const found = placeJobFindings([{ key: 'c', text: cell }], 0, [readJobOutput('application/vnd.latent.fit+json', bytes(fit))!])!;
    const titles = found.placements.map((p) => [p.finding.code, quickFixesFor(p, [], () => cell).map((f) => f.title)]);
    assert.deepEqual(titles, [
      ['not-converged', ['Run longer: max.iter = 100']],
      ['mcem-noise', ['More sweeps per E-step: sweeps = 40']],
    ]);
    assert.deepEqual(resultHoverAt(cell, cell.indexOf('mu'), found.results)?.markdown.includes('| mu | 0.3 |'), true);
  });

  it('a hover on an EM fit shows the estimate with its SE; on a VI fit, the factor q and its parameters', () => {
    const cell = 'model { mu ~ dnorm(0, 1) }\nfit with em()';
    const em = {
      schema: 'latent.fit/1', status: 'converged', settings: { method: 'em', maxIterations: 1000, tolerance: 1e-5 },
      objective: { kind: 'logpost', values: [-5, -4] }, params: [{ name: 'mu', value: 0.3, se: 0.05 }], standardErrors: 'posterior-curvature', messages: [],
    };
    const fitted = placeJobFindings([{ key: 'c', text: cell }], 0, [readJobOutput('application/vnd.latent.fit+json', bytes(em))!])!;
    const hover = resultHoverAt(cell, cell.indexOf('mu'), fitted.results)!.markdown;
    assert.ok(hover.includes('| node | estimate | SE |') && hover.includes('| mu | 0.3 | 0.05 |'), hover);
    assert.ok(hover.includes("log posterior's curvature"), hover);
    assert.deepEqual(resultInlayHints(cell, fitted.results).map((h) => h.label), ['= 0.3 ± 0.05']);

    const vi = {
      ...em, settings: { method: 'vi', maxIterations: 1000, tolerance: 1e-10 }, objective: { kind: 'elbo', values: [-5, -4] }, params: [{ name: 'mu', value: 0.3 }],
      variational: { elbo: -4, contributions: [], nodes: [{ name: 'mu', family: 'normal', mean: 0.3, sd: 0.2, lower: -0.1, upper: 0.7, parameters: { mean: 0.3, precision: 25 } }] },
    };
    const approximated = placeJobFindings([{ key: 'c', text: cell }], 0, [readJobOutput('application/vnd.latent.fit+json', bytes(vi))!])!;
    const viHover = resultHoverAt(cell, cell.indexOf('mu'), approximated.results)!.markdown;
    assert.ok(viHover.includes('| mu | normal | mean = 0.3, precision = 25 | 0.3 | 0.2 |'), viHover);
  });
});
