import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runDiagnose, type DiagnoseFiles } from '../../../src/cli/diagnose';
import { formatCodaValue } from '../../../src/engine/output/coda';
import { Random } from '../../../src/engine/random/rng';

const FIXTURES = join(__dirname, '../../fixtures/diagnostics-reference');
const STAN_FILES = [join(FIXTURES, 'blocker.1.csv'), join(FIXTURES, 'blocker.2.csv')];

function run(args: string[], files?: DiagnoseFiles): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runDiagnose(args, (t) => (out += `${t}\n`), (t) => (err += `${t}\n`), files);
  return { code, out, err };
}

/** In-memory files: a two-component mixture's means in CODA format, chain 2 with the labels swapped. */
function codaMixture(): DiagnoseFiles {
  const n = 400;
  const chain = (c: number): string => {
    const random = new Random(3, c);
    const centres = c === 0 ? [0, 6] : [6, 0];
    return centres.map((centre) => Array.from({ length: n }, (_, t) => `${t + 1} ${formatCodaValue(centre + random.normal())}`).join('\n')).join('\n');
  };
  const files: Record<string, string> = {
    'out/CODAindex.txt': `mu[1] 1 ${n}\nmu[2] ${n + 1} ${2 * n}\n`,
    'out/CODAchain1.txt': chain(0),
    'out/CODAchain2.txt': chain(1),
    'draws.csv': readFileSync(STAN_FILES[0]!, 'utf8'),
    'bad/CODAindex.txt': 'mu 1 3\n',
    'bad/CODAchain1.txt': '1 0.5\n2 zero\n3 1\n',
  };
  return {
    readFile: (path) => {
      if (!(path in files)) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT', path });
      return files[path]!;
    },
    exists: (path) => path in files,
  };
}

describe('latent diagnose', () => {
  it('prints JSON keyed by variable under posterior’s names, with the reference values', () => {
    const { code, out, err } = run([...STAN_FILES, '--json']);
    assert.equal(code, 0, err);
    const result = JSON.parse(out) as Record<string, Record<string, number>>;
    assert.deepEqual(Object.keys(result).slice(0, 3), ['lp__', 'd', 'sigmasq_delta']);
    assert.deepEqual(Object.keys(result.d!), [
      'mean', 'median', 'sd', 'mad', 'q5', 'q95', 'rhat', 'rhat_basic', 'ess_bulk', 'ess_tail', 'ess_mean', 'ess_sd', 'ess_median',
      'mcse_mean', 'mcse_sd', 'mcse_median', 'mcse_q5', 'mcse_q95',
    ]);
    // From reference_posterior.csv (R posterior), row "d".
    const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-6 * Math.abs(b);
    assert.ok(close(result.d!.rhat!, 1.00780272388603));
    assert.ok(close(result.d!.ess_bulk!, 465.136513484671));
    assert.ok(close(result.d!.ess_tail!, 349.135270438316));
    assert.ok(close(result.d!.mcse_median!, 0.005242));
  });

  it('prints a table with the flags and their legend', () => {
    const { code, out } = run(STAN_FILES);
    assert.equal(code, 0);
    const lines = out.split('\n');
    assert.match(lines[0]!, /^Stan CSV: 2 chains × 1000 draws, 49 variables/);
    assert.match(lines[2]!, /^variable +mean +median +sd +mad +q5 +q95 +rhat +rhat_basic +ess_bulk +ess_tail +ess_mean +mcse_mean +mcse_sd +mcse_q5 +mcse_median +mcse_q95$/);
    const sigmasq = lines.find((l) => l.startsWith('sigmasq_delta '))!;
    assert.match(sigmasq, / 1\.011! +1\.005 +73! +49! +134 /); // posterior: rhat 1.0109, ess_bulk 73.2, ess_tail 48.6
    assert.match(out, /! marks R-hat ≥ 1\.01 and bulk or tail ESS < 400/);
  });

  it('reads a CODA index with the chain files beside it, and explains label switching', () => {
    const { code, out, err } = run(['out/CODAindex.txt'], codaMixture());
    assert.equal(code, 0, err);
    assert.match(out, /^CODA: 2 chains × 400 draws, 2 variables \(out\/CODAindex\.txt, out\/CODAchain1\.txt, out\/CODAchain2\.txt\)/);
    assert.match(out, /note: mu\[1\], mu\[2\]: chain 1 and chain 2 differ by a swap of labels 1↔2 \(label switching\)/);
  });

  it('refuses bad input with a message and exit code 2, no stack trace', () => {
    const files = codaMixture();
    const cases: [string[], RegExp][] = [
      [[], /diagnose needs files\nusage: latent diagnose FILE\.\.\. \[--json\]/],
      [['--jsn', 'draws.csv'], /unknown option --jsn/],
      [['missing.csv'], /cannot read missing\.csv: ENOENT/],
      [['draws.csv', 'out/CODAindex.txt'], /draws\.csv is a Stan CSV file but out\/CODAindex\.txt is a CODA file; diagnose one sampler's output at a time/],
      [['bad/CODAindex.txt'], /^bad\/CODAchain1\.txt:2:1: Expected 'iteration value', found '2 zero'\./],
    ];
    for (const [args, message] of cases) {
      const { code, out, err } = run(args, files);
      assert.equal(code, 2, args.join(' '));
      assert.equal(out, '');
      assert.match(err, message);
      assert.doesNotMatch(err, /\n\s+at /);
    }
  });
});
