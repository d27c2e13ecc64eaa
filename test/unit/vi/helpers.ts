/** Shared by the VI tests: a cell compiled, its initial values set, and its mean-field plan. */
import { setInitialValues } from '../../../src/engine/inference/initialValues';
import { compileModel } from '../../../src/engine/model/compile';
import { planVariational, type VariationalPlan } from '../../../src/engine/vi/plan';
import { request } from '../engine/helpers';

export function planOf(source: string): VariationalPlan {
  const r = request(source);
  const graph = compileModel(r.document, r.data);
  setInitialValues(graph, r.inits, r.initsRange);
  return planVariational(graph);
}

/** Relative difference, with an absolute floor for values near 0. */
export function relative(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-12);
}
