import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runFit } from '../../../src/engine/fit/runFit';
import type { FitOutput } from '../../../src/engine/output/fitOutput';
import { readRequest } from '../../../src/engine/job/job';

async function fit(model: string, options = ''): Promise<FitOutput> {
  return runFit(readRequest('fit', `${model}\nfit with vi(${options})`, {}, () => 1));
}

function failure(output: FitOutput): { message: string; line: number | undefined } {
  assert.equal(output.status, 'failed', 'the fit is refused, not run');
  const error = output.messages.find((m) => m.severity === 'error');
  assert.ok(error, 'an error message');
  assert.ok(!/NaN|internal|undefined/.test(error.message), `a clear message: ${error.message}`);
  return { message: error.message, line: error.range?.startLine };
}

test('a node with no conjugate update is named, with its statement', async () => {
  const { message, line } = failure(await fit(`model {
  b ~ dnorm(0, 0.1)
  for (i in 1:3) {
    y[i] ~ dbern(ilogit(b * x[i]))
  }
}
data list(x = c(1, -1, 2), y = c(1, 0, 1))`));
  assert.match(message, /VI cannot treat 'y\[1\]'/);
  assert.match(message, /probability/);
  assert.equal(line, 4);
});

test('a distribution VI has no factor for is named', async () => {
  const { message, line } = failure(await fit(`model {
  s ~ dunif(0, 10)
  for (i in 1:3) { y[i] ~ dnorm(0, s) }
}
data list(y = c(1, -1, 2))`));
  assert.match(message, /no variational factor for the dunif node 's'/);
  assert.equal(line, 2);
});

test('an improper prior gets a clear message at its statement', async () => {
  const { message, line } = failure(await fit(`model {
  mu ~ dnorm(0, 0)
  tau ~ dgamma(1, 1)
  for (i in 1:3) { y[i] ~ dnorm(mu, tau) }
}
data list(y = c(1, -1, 2))`));
  // The model check refuses it before VI plans anything; VI itself refuses flat priors (dunif, above).
  assert.match(message, /precision must be > 0/);
  assert.equal(line, 2);
});

test('a precision that is not a constant times one gamma node is refused', async () => {
  const { message } = failure(await fit(`model {
  s ~ dgamma(1, 1)
  for (i in 1:3) { y[i] ~ dnorm(0, 1 / s) }
}
data list(y = c(1, -1, 2))`));
  assert.match(message, /VI cannot treat 'y\[1\]': its precision/);
});

test('VI options of the EM family are refused with the list they belong to', () => {
  assert.throws(() => readRequest('fit', 'model { mu ~ dnorm(0, 1) }\nfit with vi(mle = TRUE)', {}, () => 1), /'mle' is an option of em, ecm, online\.em, annealed\.em, mcem, not of vi/);
});

test('anneal and bound take TRUE or FALSE, each on its own algorithms, at the option\'s place', async () => {
  const model = `model {
  mu ~ dnorm(0, 0.01)
  for (i in 1:3) { y[i] ~ dnorm(mu, 1) }
}
data list(y = c(1, -1, 2))`;
  const refused = (text: string, pattern: RegExp): void => {
    let error: unknown;
    try {
      readRequest('fit', `${model}\n${text}`, {}, () => 1);
    } catch (e) {
      error = e;
    }
    const problems = (error as { problems?: Array<{ message: string; range: { start: { line: number } } }> } | undefined)?.problems;
    assert.ok(problems && problems.length > 0, `${text}: refused`);
    assert.match(problems[0]!.message, pattern, `${text}: ${problems[0]!.message}`);
    assert.equal(problems[0]!.range.start.line, 5, `${text}: on the directive's line`);
  };
  refused('fit with vi(anneal = "yes")', /anneal takes TRUE or FALSE/);
  refused('fit with em(bound = 2)', /bound takes TRUE or FALSE/);
  refused('fit with mcem(bound = TRUE)', /bound/);
  refused('fit with em(anneal = TRUE)', /anneal/);
});

test('annealing a model without discrete nodes is plain VI after the held precisions are released', async () => {
  const model = `model {
  mu ~ dnorm(0, 0.01)
  tau ~ dgamma(1, 1)
  for (i in 1:4) { y[i] ~ dnorm(mu, tau) }
}
data list(y = c(1.2, 0.8, 1.9, 1.4))`;
  const out = await fit(model, 'anneal = TRUE, seed = 1');
  const plain = await fit(model, 'seed = 1');
  assert.equal(out.status, 'converged', JSON.stringify(out.messages));
  assert.ok(Number.isFinite(out.variational!.elbo));
  assert.ok(Math.abs(out.variational!.elbo - plain.variational!.elbo) < 1e-8 * Math.abs(plain.variational!.elbo), `${out.variational!.elbo} vs ${plain.variational!.elbo}`);
});
