import { readRequest } from '../../../src/engine/job/job';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fakeFiles } from '../data/helpers';
import { modelErrorOf, TEST_DEFAULTS } from './helpers';

const MODEL = 'model {\n  mu ~ dnorm(0, 1)\n}\n';
const INITS = '".RNG.name" <- "base::Mersenne-Twister"\n".RNG.seed" <- 314\n"mu" <- 0.5\n';

describe('.RNG entries of JAGS inits files', () => {
  const files = fakeFiles({
    '/nb/inits.R': INITS,
    '/nb/bad.R': '".RNG.seed" <- 1.5\n',
    '/nb/state.R': '".RNG.state" <- c(1L, 2L)\n"mu" <- 1\n',
    '/nb/unknown.R': '".RNG.name" <- "base::Knuth-TAOCP"\n"mu" <- 1\n',
  });
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

  it('warns at the inits directive that a JAGS generator name is answered by our own generator, seeded as given', () => {
    const source = `${MODEL}inits from "inits.R"`;
    const r = read(source);
    const warning = r.warnings.find((w) => w.message.includes('.RNG.name'));
    assert.ok(warning, r.warnings.map((w) => w.message).join('; '));
    assert.match(warning.message, /"base::Mersenne-Twister" is JAGS's generator; this run draws from Latent's own \(xoshiro128\*\*\), seeded by \.RNG\.seed/);
    assert.equal(source.slice(warning.range.start.offset, warning.range.end.offset), 'inits from "inits.R"');
    assert.equal(read(`${MODEL}inits from "state.R"`).warnings.filter((w) => w.message.includes('.RNG.name')).length, 0);
  });

  it('rejects a generator JAGS does not have, at its place in the file', () => {
    const [p] = modelErrorOf(() => read(`${MODEL}inits from "unknown.R"`));
    assert.match(p!.message, /unknown\.R:1:16: .RNG.name must be the name of one of JAGS's generators, in quotes: "base::Wichmann-Hill", /);
  });
});
