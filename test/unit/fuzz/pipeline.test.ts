import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ModelError } from '../../../src/engine/language/source';
import { Random } from '../../../src/engine/random/rng';
import { assertInside, edit, SLOW_TO_COMPILE } from './mutations';
import { prepareChain } from '../../../src/engine/run/chainSession';
import { BUILT_IN_DEFAULTS } from '../../../src/engine/run/request';
import { readRequest } from '../../../src/engine/job/job';

/**
 * The whole pipeline a cell goes through before it samples — parse, check, read its data and
 * initial values from files, bind, compile, set initial values and choose samplers — on
 * 20,000 broken versions of the classic examples (the model, its data.R or its inits.R
 * mutated: cut short, a span deleted or repeated, a number replaced by an edge value such as
 * NaN, -1, 1e308 or 2.5, bytes inserted, control characters among them, lines swapped).
 * Nothing may escape but a ModelError whose every problem has a message and a range inside
 * the cell (a problem in a file is reported at the file's name in the cell).
 */
const root = join(__dirname, '../../..');
const classic = join(root, 'examples/classic-bugs');
const examples = readdirSync(classic).filter((name) => !SLOW_TO_COMPILE.has(name)).map((name) => ({
  name,
  model: readFileSync(join(classic, name, `${name}.bug`), 'utf8'),
  data: readFileSync(join(classic, name, 'data.R'), 'utf8'),
  inits: readFileSync(join(classic, name, 'inits.R'), 'utf8'),
}));

describe('fuzzing the pipeline before sampling', () => {
  it('20,000 mutated models, data and inits: only ModelErrors with ranges inside the cell', () => {
    const random = new Random(20261204);
    const cases = 20_000;
    let failed = 0;
    let prepared = 0;
    for (let k = 0; k < cases; k++) {
      const example = examples[k % examples.length]!;
      const files = { 'data.R': example.data, 'inits.R': example.inits };
      let model = example.model;
      // Which part is broken: the model, the data file or the inits file.
      const part = k % 3;
      const rounds = 1 + Math.floor(random.uniform() * 2);
      for (let r = 0; r < rounds; r++) {
        if (part === 0) model = edit(model, random);
        else if (part === 1) files['data.R'] = edit(files['data.R'], random);
        else files['inits.R'] = edit(files['inits.R'], random);
      }
      const cell = `${model}\ndata from "data.R"\ninits from "inits.R"\nsample with gibbs(chains = 1, burnin = 1, iterations = 1, seed = 1)\n`;
      const readFile = (path: string): string => {
        const text = files[path.slice(path.lastIndexOf('/') + 1) as keyof typeof files];
        if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
        return text;
      };
      const label = `case ${k} (${example.name}, ${['model', 'data.R', 'inits.R'][part]})`;
      try {
        prepareChain(readRequest('sample', cell, BUILT_IN_DEFAULTS, () => 1, { baseDirectory: '/examples', readFile }), 0);
        prepared++;
      } catch (e) {
        assert.ok(e instanceof ModelError, `${label}: ${e instanceof Error ? e.stack : String(e)}\n--- model\n${model}\n--- data.R\n${files['data.R']}\n--- inits.R\n${files['inits.R']}`);
        assertInside(e.problems, cell, label);
        failed++;
      }
    }
    console.log(`pipeline fuzz: ${failed} of ${cases} cases failed with a ModelError, ${prepared} prepared a chain`);
    // The mutations must break many cases and leave many intact, or the test shows little.
    assert.ok(failed > 3_000 && prepared > 1_000, `${failed} failed, ${prepared} prepared`);
  });
});
