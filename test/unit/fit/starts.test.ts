/** The shared starts (src/engine/starts/), used as another algorithm (VI) would: graph and roles in, parameter values out. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyNodes } from '../../../src/engine/fit/roles';
import { compileModel, refreshDeterministic } from '../../../src/engine/model/compile';
import { planStarts } from '../../../src/engine/starts/proposeStarts';
import { findSymmetricPoint } from '../../../src/engine/starts/symmetry';
import { fitRequest } from './notebookFits';
import { BERNOULLI_MIXTURE, PPCA } from './userModels';

function modelOf(source: string) {
  const request = fitRequest(source);
  const graph = compileModel(request.document, request.data);
  const roles = classifyNodes(graph, request.document.model!.statements, undefined, request.directiveRange);
  const value = (name: string): number[] => Array.from(graph.variables.get(name)!.values);
  const plan = planStarts(graph, roles.latent, roles.parameters, { seed: 7, withPrior: false, initsRange: request.directiveRange, given: false });
  return { graph, plan, value };
}

describe('starts that break symmetry, for any algorithm', () => {
  it('finds the latent component index and starts its components apart; the typical values alone are a symmetric point', () => {
    const { graph, plan, value } = modelOf(BERNOULLI_MIXTURE());
    assert.equal(plan.structure.mixtures.length, 1);
    assert.equal(plan.structure.mixtures[0]!.components, 3);
    assert.equal(plan.defaultCount, 4);
    for (let k = 0; k < plan.defaultCount; k++) {
      assert.match(plan.apply(k), /k-means\+\+ on the rows of x \(for z\)/);
      const p = value('p');
      // p is 3 × 8, stored row-major by component: no two components start equal.
      const rows = [0, 1, 2].map((c) => Array.from({ length: 8 }, (_, d) => p[c * 8 + d]!));
      for (let a = 0; a < 3; a++) for (let b = a + 1; b < 3; b++) assert.ok(Math.max(...rows[a]!.map((v, d) => Math.abs(v - rows[b]![d]!))) > 0.05, `start ${k}: components ${a + 1} and ${b + 1}`);
      assert.ok(p.every((v) => v > 0 && v < 1), 'every probability strictly inside (0, 1)');
      assert.deepEqual(findSymmetricPoint(graph, plan.structure), []);
    }
    // Every p[k, d] = 0.5 (what the priors' typical values give): the check names the symmetric point.
    const p = graph.variables.get('p')!.values;
    p.fill(0.5);
    refreshDeterministic(graph);
    const found = findSymmetricPoint(graph, plan.structure);
    assert.equal(found[0]?.kind, 'symmetric-point');
    assert.match(found[0]!.message, /Components 1 and 2, 1 and 3, 2 and 3 of z are identical/);
  });

  it('finds latent Gaussian factors and starts the loadings from PCA, never at zero; zero loadings are a zero-information point', () => {
    const { graph, plan, value } = modelOf(PPCA());
    assert.equal(plan.structure.factors.length, 1);
    assert.equal(plan.structure.factors[0]!.factors, 2);
    assert.match(plan.apply(0), /^PCA scores of x \(for z\)/);
    assert.ok(Math.max(...value('W').map(Math.abs)) > 0.3, `W ${value('W')}`);
    assert.deepEqual(findSymmetricPoint(graph, plan.structure), []);
    graph.variables.get('W')!.values.fill(0);
    refreshDeterministic(graph);
    assert.equal(findSymmetricPoint(graph, plan.structure)[0]?.kind, 'zero-information');
  });
});
