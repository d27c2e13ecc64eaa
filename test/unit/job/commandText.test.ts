import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readJob } from '../../../src/engine/job/job';
import { commandText, hasDataDirective, isDataFileName, pickedFileRole } from '../../../src/extension/workbench/commandText';

const PUMP = `# Pump failures
model {
  for (i in 1:N) {
    theta[i] ~ dgamma(alpha, beta)
    x[i] ~ dpois(theta[i] * t[i])
  }
  alpha ~ dexp(1.0)
  beta ~ dgamma(0.1, 1.0)
}
`;
const FOLDER = join(__dirname, '../../../examples/classic-bugs/pump');

describe('the text a palette command runs', () => {
  it('appends the picked files as data and inits lines and a run of the command\'s kind, the model\'s lines unchanged', () => {
    const files = [join(FOLDER, 'data.R'), join(FOLDER, 'inits.R')];
    const text = commandText(PUMP, FOLDER, files, 'sample');
    const lines = text.split('\n');
    assert.deepEqual(lines.slice(0, 9), PUMP.split('\n').slice(0, 9));
    assert.equal(lines[9], `data from ${JSON.stringify(files[0])}`);
    assert.equal(lines[10], `inits from ${JSON.stringify(files[1])}`);
    assert.equal(lines[11], 'sample with gibbs()');
    // The text stands on its own: read with no folder (an untitled results notebook), it finds its files.
    const job = readJob(text, {}, () => 5);
    assert.ok(job.kind === 'sample');
    assert.deepEqual([...job.request.data.keys()].sort(), ['N', 't', 'x']);
    assert.ok(job.request.inits?.has('alpha'));
  });

  it('keeps the document\'s own run of the kind, replaces its others, and makes its relative data paths absolute', () => {
    const source = `${PUMP}data from "data.R"\nsample with gibbs(chains = 2)\nfit with ecm(restarts = 3)\n`;
    const fit = commandText(source, FOLDER, [], 'fit');
    assert.ok(fit.includes(`data from ${JSON.stringify(join(FOLDER, 'data.R'))}\n`), fit);
    assert.ok(!fit.includes('sample with'));
    assert.match(fit, /fit with ecm\(restarts = 3\)\n$/);
    assert.match(commandText(source, FOLDER, [], 'fit', 'vi'), /\nfit with vi\(\)\n$/, 'an algorithm asked for replaces the document\'s other one');
    assert.match(commandText(source, FOLDER, [], 'calibrate'), /\ncalibrate with sbc\(\)\n$/);
    assert.match(commandText(source, FOLDER, [], 'sample'), /\nsample with gibbs\(chains = 2\)\n$/);
  });

  it('tells data files and inits files apart by name, and a model that reads its own data', () => {
    assert.equal(pickedFileRole('/a/inits.R'), 'inits');
    assert.equal(pickedFileRole('pump-inits.json'), 'inits');
    assert.equal(pickedFileRole('data.R'), 'data');
    assert.equal(pickedFileRole('initial-growth.csv'), 'data');
    assert.ok(isDataFileName('x.CSV') && isDataFileName('d.R') && isDataFileName('d.json') && !isDataFileName('pump.bug'));
    assert.equal(hasDataDirective(PUMP), false);
    assert.equal(hasDataDirective(`${PUMP}data list(N = 1)`), true);
  });
});
