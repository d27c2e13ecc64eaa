/** Runs the fit cells of the notebooks in examples/em through the engine, as the notebook would: the tests check the notebooks themselves. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runFit } from '../../../src/engine/fit/runFit';
import { parseDocument } from '../../../src/engine/language/parser';
import type { FitOutput } from '../../../src/engine/output/fitOutput';
import { type FitRequest } from '../../../src/engine/run/fitRequest';
import { readRequest } from '../../../src/engine/job/job';
import { ComposedSource, definedModelName, referencedModel } from '../../../src/engine/run/namedModels';

export const EXAMPLES = resolve(__dirname, '../../../examples/em');

interface NotebookJson {
  cells: Array<{ cell_type: string; source: string[] | string }>;
}

/** The sources of a notebook's code cells, in order. */
export function codeCells(notebook: string): string[] {
  const json = JSON.parse(readFileSync(resolve(EXAMPLES, notebook), 'utf8')) as NotebookJson;
  return json.cells.filter((c) => c.cell_type === 'code').map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source));
}

/**
 * Code cell `index` of a notebook as one document: a cell that runs a model
 * named in an earlier cell (`fit NAME with ...`) is composed with that cell,
 * as the extension does.
 */
export function cellDocument(notebook: string, index: number): string {
  const cells = codeCells(notebook);
  const cell = cells[index]!;
  const reference = referencedModel(cell);
  if (!reference) return cell;
  const defining = cells.slice(0, index).reverse().find((c) => definedModelName(c) === reference.name);
  assert.ok(defining, `${notebook}: no cell above defines model '${reference.name}'`);
  return new ComposedSource(cell, defining, reference).text;
}

/**
 * Replaces (or adds) options of the document's fit directive, and its
 * algorithm when `algorithm` is given: `withOptions(text, { init: '"random"', seed: '3' })`.
 */
export function withOptions(source: string, options: Record<string, string>, algorithm?: string): string {
  const run = parseDocument(source).document.directives.find((d) => d.kind === 'run' && d.verb === 'fit');
  assert.ok(run && run.kind === 'run', 'the document has no fit directive');
  const kept = new Map<string, string>();
  for (const o of run.options) kept.set(o.name!, source.slice(o.value.range.start.offset, o.value.range.end.offset));
  for (const [name, value] of Object.entries(options)) kept.set(name, value);
  const model = run.model ? ` ${run.model.text}` : '';
  const text = `fit${model} with ${algorithm ?? run.algorithm}(${[...kept].map(([n, v]) => `${n} = ${v}`).join(', ')})`;
  return source.slice(0, run.range.start.offset) + text + source.slice(run.range.end.offset);
}

export function fitRequest(source: string, baseDirectory = EXAMPLES): FitRequest {
  return readRequest('fit', source, {}, () => 1, { baseDirectory });
}

export async function fitSource(source: string, baseDirectory = EXAMPLES): Promise<FitOutput> {
  return runFit(fitRequest(source, baseDirectory));
}

/** Runs code cell `index` of a notebook, as written. */
export async function fitCell(notebook: string, index: number): Promise<FitOutput> {
  return fitSource(cellDocument(notebook, index));
}

/** A fitted scalar by its JAGS name. */
export function param(output: FitOutput, name: string): number {
  const found = output.params.find((p) => p.name === name);
  assert.ok(found, `no parameter ${name} in ${output.params.map((p) => p.name).join(', ')}`);
  return found.value;
}

/** The values of a vector parameter, v[1], v[2], ... */
export function vector(output: FitOutput, name: string, length: number): number[] {
  return Array.from({ length }, (_, j) => param(output, `${name}[${j + 1}]`));
}

/** No parameter is NaN or infinite. */
export function assertFiniteParams(output: FitOutput): void {
  const bad = output.params.filter((p) => !Number.isFinite(p.value));
  assert.deepEqual(bad, [], `non-finite parameters: ${JSON.stringify(bad)}`);
}

/** The objective never falls by more than rounding: 1e-9 relative to its size. */
export function assertNonDecreasing(values: number[], label: string): void {
  for (let t = 1; t < values.length; t++) {
    const drop = values[t - 1]! - values[t]!;
    assert.ok(drop <= 1e-9 * Math.max(1, Math.abs(values[t - 1]!)), `${label}: the objective fell at iteration ${t}: ${values[t - 1]} → ${values[t]}`);
  }
}

export function errorsOf(output: FitOutput): string[] {
  return output.messages.filter((m) => m.severity === 'error').map((m) => m.message);
}
