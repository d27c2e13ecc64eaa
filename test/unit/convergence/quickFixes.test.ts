import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addToMonitor, orderingConstraint, runOptionValue, setRunOption } from '../../../src/engine/convergence/quickFixes';
import { checkText } from '../../../src/engine/language/check';
import { applyEdits as apply } from './mixtureCell';

describe('quick fixes on the run directive', () => {
  const cell = 'model { mu ~ dnorm(0, 1) }\nsample with gibbs(chains = 4, burnin = 500, iterations = 2000, seed = 7)';

  it('runs longer by editing iterations in place', () => {
    const edited = apply(cell, [setRunOption(cell, 'iterations', '4000')!]);
    assert.match(edited, /sample with gibbs\(chains = 4, burnin = 500, iterations = 4000, seed = 7\)$/);
    assert.equal(runOptionValue(edited, 'iterations'), 4000);
  });

  it('adds an option the directive does not set, with or without parentheses', () => {
    assert.match(apply(cell, [setRunOption(cell, 'thin', '2')!]), /seed = 7, thin = 2\)$/);
    const empty = 'sample with gibbs()';
    assert.equal(apply(empty, [setRunOption(empty, 'chains', '8')!]), 'sample with gibbs(chains = 8)');
    const bare = 'model { mu ~ dnorm(0, 1) }\nsample with gibbs # four chains';
    assert.equal(apply(bare, [setRunOption(bare, 'burnin', '2000')!]), 'model { mu ~ dnorm(0, 1) }\nsample with gibbs(burnin = 2000) # four chains');
    const fit = 'fit with em(tol = 1e-6)';
    assert.equal(apply(fit, [setRunOption(fit, 'max.iter', '200')!]), 'fit with em(tol = 1e-6, max.iter = 200)');
  });

  it('has nothing to edit without a run directive', () => {
    assert.equal(setRunOption('model { mu ~ dnorm(0, 1) }', 'iterations', '10'), undefined);
  });

  it('monitors a node by adding it to monitor = c(...), and leaves a run that monitors everything alone', () => {
    const monitored = 'sample with gibbs(monitor = c(mu, p))';
    assert.equal(apply(monitored, [addToMonitor(monitored, 'tau')!]), 'sample with gibbs(monitor = c(mu, p, tau))');
    const single = 'sample with gibbs(monitor = mu)';
    assert.equal(apply(single, [addToMonitor(single, 'tau')!]), 'sample with gibbs(monitor = c(mu, tau))');
    assert.equal(addToMonitor(monitored, 'mu'), undefined);
    assert.equal(addToMonitor('sample with gibbs(chains = 2)', 'tau'), undefined);
  });
});

describe('the ordering constraint that breaks label switching', () => {
  it("orders a two-component mixture's means as the Eyes example does, and the result checks clean", () => {
    const model = 'model {\n  mu[1] ~ dnorm(0, 0.01)\n  mu[2] ~ dnorm(0, 0.01)\n  for (i in 1:N) {\n    z[i] ~ dcat(p[])\n    y[i] ~ dnorm(mu[z[i]], 1)\n  }\n}';
    const edited = apply(model, orderingConstraint(model, 'mu')!);
    assert.equal(
      edited,
      'model {\n  mu[1] ~ dnorm(0, 0.01)\n  mu[2] <- mu[1] + mu.gap\n  mu.gap ~ dnorm(0, 0.01) T(0,)\n  for (i in 1:N) {\n    z[i] ~ dcat(p[])\n    y[i] ~ dnorm(mu[z[i]], 1)\n  }\n}',
    );
    assert.deepEqual(checkText(edited).problems, []);
  });

  it('chains three per-component means with indexed gaps, avoiding a name the model uses', () => {
    const model = 'model {\n  mu.gap ~ dnorm(0, 1)\n  mu[1] ~ dnorm(0, 0.1)\n  mu[2] ~ dnorm(0, 0.1)\n  mu[3] ~ dnorm(0, 0.1)\n}';
    const edited = apply(model, orderingConstraint(model, 'mu')!);
    assert.match(edited, /mu\[2\] <- mu\[1\] \+ mu\.gap2\[1\]\n {2}mu\.gap2\[1\] ~ dnorm\(0, 0\.1\) T\(0,\)\n {2}mu\[3\] <- mu\[2\] \+ mu\.gap2\[2\]\n {2}mu\.gap2\[2\] ~ dnorm\(0, 0\.1\) T\(0,\)/);
    assert.deepEqual(checkText(edited).problems, []);
  });

  it('rewrites a loop over the components into a first mean and positive gaps', () => {
    const model = 'model {\n  for (k in 1:K) {\n    mu[k] ~ dnorm(m0, 0.01)\n  }\n}';
    const edited = apply(model, orderingConstraint(model, 'mu')!);
    assert.equal(
      edited,
      'model {\n  mu[1] ~ dnorm(m0, 0.01)\n  for (k in 2:K) {\n    mu.gap[k] ~ dnorm(0, 0.01) T(0,)\n    mu[k] <- mu[k - 1] + mu.gap[k]\n  }\n}',
    );
    assert.deepEqual(checkText(edited).problems, []);
  });

  it('offers nothing for a prior it cannot order (not normal) or a loop holding more than the means', () => {
    assert.equal(orderingConstraint('model {\n  p[1] ~ dbeta(1, 1)\n  p[2] ~ dbeta(1, 1)\n}', 'p'), undefined);
    assert.equal(orderingConstraint('model {\n  for (k in 1:K) {\n    mu[k] ~ dnorm(0, 1)\n    s[k] ~ dgamma(1, 1)\n  }\n}', 'mu'), undefined);
  });
});
