import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readRequest } from '../../../src/engine/job/job';
import { fakeFiles } from '../data/helpers';
import { modelErrorOf, TEST_DEFAULTS } from './helpers';

const MODEL = 'model {\n  mu ~ dnorm(0, 1)\n}\n';
const INITS = '".RNG.name" <- "base::Mersenne-Twister"\n".RNG.seed" <- 314\n"mu" <- 0.5\n';

describe('.RNG entries of JAGS inits files', () => {
  const files = fakeFiles({ '/nb/inits.R': INITS, '/nb/bad.R': '".RNG.seed" <- 1.5\n', '/nb/state.R': '".RNG.state" <- c(1L, 2L)\n"mu" <- 1\n' });
  const read = (source: string, seed?: number) => readRequest('sample', source, { ...TEST_DEFAULTS, seed }, () => 777, { baseDirectory: '/nb', readFile: files.readFile });

  it('seeds the run with .RNG.seed and keeps .RNG.* out of the initial values', () => {
    const r = read(`${MODEL}inits from "inits.R"`);
    assert.equal(r.settings.seed, 314);
    assert.deepEqual([...r.inits!.keys()], ['mu']);
    assert.deepEqual([...read(`${MODEL}inits from "state.R"`).inits!.keys()], ['mu']);
  });

  it("gives way to the cell's own seed, and wins over a default seed", () => {
    assert.equal(read(`${MODEL}inits from "inits.R"\nsample with gibbs(seed = 9)`).settings.seed, 9);
    assert.equal(read(`${MODEL}inits from "inits.R"`, 5).settings.seed, 314);
  });

  it('rejects a .RNG.seed that is not a whole number, at the inits directive', () => {
    const source = `${MODEL}inits from "bad.R"`;
    const [p] = modelErrorOf(() => read(source));
    assert.equal(p!.message, '.RNG.seed must be one whole number from 0 to 4294967295.');
    assert.equal(p!.range.start.line, 3);
  });
});
