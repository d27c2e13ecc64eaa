import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatEstimate, formatFitTable, statusText } from '../../../src/engine/output/fitTable';
import { faithfulFit, gmm2dFit, gmm2dRunning, probitFit } from '../renderer/fitFixtures';

/** Asserts that `text` has a line equal to `line` (the columns' alignment included). */
function hasLine(text: string, line: string): void {
  assert.ok(text.split('\n').includes(line), `no line '${line}' in:\n${text}`);
}

describe('fit text table', () => {
  it('says what was fitted and how it ended, then the estimates and the fit figures', () => {
    const text = formatFitTable(gmm2dFit());
    const lines = text.split('\n');
    assert.equal(
      lines[0],
      'Latent em fit (maximum likelihood): converged after 23 iterations; seed 42, 1 start, init given, tol 0.001; 0.05 s (2.00 ms per iteration)',
    );
    assert.equal(lines[1], 'engine: Gaussian mixture kernel (K = 3, d = 2); latent: z; parameters: mu, Omega, w');
    hasLine(text, 'parameter  estimate');
    hasLine(text, 'mu[1,1]     -1.9733');
    hasLine(text, 'w[3]         0.3467');
    // Log-likelihoods with enough digits to compare to 1e-6 per observation.
    hasLine(text, 'log-likelihood   -3733.8700');
    hasLine(text, 'per observation  -3.733870  (n = 1000)');
    hasLine(text, 'BIC              7585.1718  (17 free parameters)');
    hasLine(text, 'AIC              7501.7400');
    hasLine(text, 'iterations       23');
    hasLine(text, 'converged        yes');
    assert.doesNotMatch(text, /log posterior/, 'maximum likelihood has no log posterior row');
  });

  it('shows the log posterior for MAP, messages with their line, and a fit stopped at max.iter', () => {
    const text = formatFitTable(faithfulFit({ messages: [{ severity: 'warning', message: 'Component 2 is nearly empty.', range: { startLine: 3, startColumn: 5, endLine: 3, endColumn: 9 } }] }));
    assert.match(text.split('\n')[0]!, /^Latent em fit \(maximum a posteriori\): not converged: stopped at max\.iter \(50\); seed 2024, 5 starts, init kmeans\+\+/);
    assert.match(text, /^warning: Component 2 is nearly empty\. \(line 3, column 5\)$/m);
    assert.match(text, /^log posterior {4}-280\.\d{4}$/m);
    hasLine(text, 'converged        no');
    hasLine(text, 'tau[1]      18.0156');
  });

  it('shows a running fit without the figures it does not have yet', () => {
    const text = formatFitTable(gmm2dRunning(5));
    assert.match(text.split('\n')[0]!, /running, 5 iterations so far/);
    assert.doesNotMatch(text, /log-likelihood|BIC|converged /);
    hasLine(text, 'iterations  5');
  });

  it('formats estimates with 6 significant digits, small ones in exponent form, zeros kept in whole numbers', () => {
    assert.equal(formatEstimate(-0.41237), '-0.41237');
    assert.equal(formatEstimate(1.0), '1');
    assert.equal(formatEstimate(100000), '100000');
    assert.equal(formatEstimate(1234567), '1.23457e+6');
    assert.equal(formatEstimate(0.000012345), '1.2345e-5');
    assert.equal(formatEstimate(0.1), '0.1');
    assert.equal(formatEstimate(Number.NaN), 'NaN');
    hasLine(formatFitTable(probitFit()), 'beta[3]    1.2345e-5');
  });

  it('words every status', () => {
    assert.equal(statusText('cancelled', 7, 100), 'cancelled after 7 iterations');
    assert.equal(statusText('stopped', 1, 100), 'stopped after 1 iteration (see the messages)');
    assert.equal(statusText('failed', 0, 100), 'failed');
  });
});
