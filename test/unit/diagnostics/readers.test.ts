import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kindOfDrawFile, loadDrawFiles } from '../../../src/engine/diagnostics/drawFiles';
import { DrawsInputError, joinStanChains, readStanCsv, stanToJagsName } from '../../../src/engine/diagnostics/stanCsv';
import { ModelError } from '../../../src/engine/language/source';

const STAN = `# model = demo
lp__,accept_stat__,stepsize__,theta.1,theta.2,Omega.1.2,sigma
# Adaptation terminated
-3.5,0.9,0.4,1.5,2.5,0.1,3
-3.25,0.8,0.4,1.25,-2e-3,0.2,3.5
# Elapsed Time: 0.01 seconds
`;

/** Throws `fn`'s ModelError message, or fails. */
function problem(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ModelError, `not a ModelError: ${e}`);
    return e.message;
  }
  assert.fail('no error');
}

describe('Stan CSV', () => {
  it('renames element columns the JAGS way', () => {
    assert.equal(stanToJagsName('theta.1'), 'theta[1]');
    assert.equal(stanToJagsName('Omega.10.2'), 'Omega[10,2]');
    assert.equal(stanToJagsName('sigma'), 'sigma');
    assert.equal(stanToJagsName('lp__'), 'lp__');
  });

  it('skips comments, keeps lp__ and leaves out the other sampler columns', () => {
    const chain = readStanCsv(STAN, 'a.csv');
    assert.deepEqual(chain.names, ['lp__', 'theta[1]', 'theta[2]', 'Omega[1,2]', 'sigma']);
    assert.deepEqual(Array.from(chain.columns[2]!), [2.5, -0.002]);
    assert.deepEqual(Array.from(chain.columns[0]!), [-3.5, -3.25]);
  });

  it('says where a bad value or a short row is', () => {
    assert.equal(problem(() => readStanCsv(STAN.replace('1.25', '1.2x5'), 'a.csv')), "a.csv:5:15: '1.2x5' in column 'theta.1' is not a number.");
    assert.match(problem(() => readStanCsv(STAN.replace(',3.5\n', '\n'), 'a.csv')), /^a\.csv:5:1: This row has 6 field\(s\) but the header names 7 column\(s\)\./);
    assert.match(problem(() => readStanCsv('# only comments\n', 'a.csv')), /a\.csv:1:1: The file has no header row/);
    assert.match(problem(() => readStanCsv('1 2\n3 4\n', 'x.txt')), /not a Stan name: is this a Stan CSV file/);
  });

  it('joins chains of equal length and refuses others', () => {
    const a = readStanCsv(STAN, 'a.csv');
    const joined = joinStanChains([a, readStanCsv(STAN, 'b.csv')]);
    assert.equal(joined.length, 5);
    assert.equal(joined[1]!.chains.length, 2);
    const short = readStanCsv(STAN.replace(/-3\.25.*\n/, ''), 'c.csv');
    assert.throws(() => joinStanChains([a, short]), (e) => e instanceof DrawsInputError && /c\.csv has 1 draws but a\.csv has 2/.test(e.message));
    const other = readStanCsv(STAN.replace(/sigma/, 'tau'), 'd.csv');
    assert.throws(() => joinStanChains([a, other]), /d\.csv and a\.csv have different columns \(sigma is in only one of them\)/);
  });
});

const INDEX = 'alpha 1 3\nbeta[1] 4 6\nbeta[2] 7 9\n';
const chainText = (offset: number) => Array.from({ length: 9 }, (_, k) => `${(k % 3) + 101} ${offset + k}`).join('\n') + '\n';

describe('finding and loading draw files', () => {
  const files: Record<string, string> = {
    'run/CODAindex.txt': INDEX,
    'run/CODAchain1.txt': chainText(0),
    'run/CODAchain2.txt': chainText(50),
    'a.csv': STAN,
    'b.csv': STAN,
    'data.R': 'N <- 3\n',
  };
  const read = (path: string): string => {
    if (!(path in files)) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
    return files[path]!;
  };
  const exists = (path: string): boolean => path in files;

  it('tells the kinds apart by their first line', () => {
    assert.equal(kindOfDrawFile(STAN), 'stan-csv');
    assert.equal(kindOfDrawFile(INDEX), 'coda-index');
    assert.equal(kindOfDrawFile(chainText(0)), 'coda-chain');
    assert.equal(kindOfDrawFile('N <- 3\n'), undefined);
  });

  it('finds the chain files beside a CODA index, and the index beside a chain file', () => {
    const fromIndex = loadDrawFiles(['run/CODAindex.txt'], read, exists);
    assert.deepEqual(fromIndex.files, ['run/CODAindex.txt', 'run/CODAchain1.txt', 'run/CODAchain2.txt']);
    assert.equal(fromIndex.parameters[0]!.chains.length, 2);
    assert.deepEqual(fromIndex.parameters.map((p) => p.name), ['alpha', 'beta[1]', 'beta[2]']);
    assert.deepEqual(Array.from(fromIndex.parameters[1]!.chains[1]!), [53, 54, 55]);
    const fromChain = loadDrawFiles(['run/CODAchain2.txt'], read, exists);
    assert.deepEqual(fromChain.files, ['run/CODAindex.txt', 'run/CODAchain2.txt']);
    assert.equal(loadDrawFiles(['a.csv', 'b.csv'], read, exists).format, 'Stan CSV');
  });

  it('refuses mixed, unknown and missing input with a plain message', () => {
    assert.throws(() => loadDrawFiles(['a.csv', 'run/CODAindex.txt'], read, exists), /a\.csv is a Stan CSV file but run\/CODAindex\.txt is a CODA file/);
    assert.throws(() => loadDrawFiles(['data.R'], read, exists), /data\.R is neither a Stan CSV file nor a CODA index or chain file/);
    assert.throws(() => loadDrawFiles([], read, exists), DrawsInputError);
    assert.throws(() => loadDrawFiles(['nope.csv'], read, exists), /ENOENT/);
  });
});
