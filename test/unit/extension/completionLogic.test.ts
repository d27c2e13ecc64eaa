import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDocument } from '../../../src/engine/language/parser';
import {
  callSnippet,
  completionContext,
  completionEntries,
  escapeSnippet,
  signatureParameters,
  type CompletionContext,
  type CompletionEntry,
} from '../../../src/extension/language/completionLogic';
import { cursor } from './cursor';

function contextAt(marked: string): CompletionContext {
  const { text, offset } = cursor(marked);
  return completionContext(text, offset);
}

function entriesAt(marked: string): CompletionEntry[] {
  const { text, offset } = cursor(marked);
  const document = parseDocument(text).document;
  const context = completionContext(text, offset, document);
  return completionEntries(context, document, text.slice(context.start, context.end));
}

const labels = (entries: CompletionEntry[]): string[] => entries.map((e) => e.label);

const MODEL = `model {
  for (i in 1:N) {
    mu[i] <- alpha + beta * x[i]
    Y[i] ~ dnorm(mu[i], tau)
  }
  alpha ~ dnorm(0, 1.0E-4)
  beta ~ dnorm(0, 1.0E-4)
  tau ~ dgamma(0.001, 0.001)
}
data list(N = 5, x = c(1, 2, 3, 4, 5), Y = c(1, 3, 3, 3, 5))
`;

describe('completion context', () => {
  it('offers distributions after ~, with or without a started word, on one line or the next', () => {
    assert.equal(contextAt('model { mu ~ ‸ }').kind, 'distribution');
    assert.equal(contextAt('model { mu ~ dn‸ }').kind, 'distribution');
    assert.equal(contextAt('model {\n  y[i] ~\n    dg‸\n}').kind, 'distribution');
  });

  it('gives the word to replace, dots included, and whether a ( follows', () => {
    const { text, offset } = cursor('model { mu ~ dn‸orm (0, 1) }');
    const c = completionContext(text, offset);
    assert.equal(text.slice(c.start, offset), 'dn');
    assert.equal(text.slice(c.start, c.end), 'dnorm');
    assert.equal(c.followedByParen, true);
    const dotted = cursor('model { x <- tau.‸ }');
    const d = completionContext(dotted.text, dotted.offset);
    assert.equal(dotted.text.slice(d.start, d.end), 'tau.');
    assert.equal(d.followedByParen, false);
  });

  it('offers nothing in comments, strings or numbers', () => {
    assert.equal(contextAt('model { mu ~ dnorm(0, 1) # dn‸ }').kind, 'none');
    assert.equal(contextAt('/* mu ~ d‸ */ model { }').kind, 'none');
    assert.equal(contextAt('data from "da‸').kind, 'none');
    assert.equal(contextAt('model { mu ~ dnorm(0, 1.0E‸) }').kind, 'none');
    // After the comment closes, code again.
    assert.equal(contextAt('/* a */ model { mu ~ d‸ }').kind, 'distribution');
  });

  it('tells statement starts from expressions in the model', () => {
    assert.equal(contextAt('model {\n  ‸\n}').kind, 'statement');
    assert.equal(contextAt('model {\n  mu ~ dnorm(0, 1)\n  ta‸\n}').kind, 'statement');
    assert.equal(contextAt('model { mu ~ dnorm(0, 1); ta‸ }').kind, 'statement');
    assert.equal(contextAt('model { for (i in 1:N) y‸ }').kind, 'statement');
    assert.equal(contextAt('model { x <- a‸ }').kind, 'expression');
    assert.equal(contextAt('model { x <- a +\n    b‸ }').kind, 'expression');
    assert.equal(contextAt('model { y ~ dnorm(m‸) }').kind, 'expression');
    assert.equal(contextAt('model { y ~ dnorm(mu, ‸) }').kind, 'expression');
    assert.equal(contextAt('model { y[i‸] ~ dnorm(0, 1) }').kind, 'expression');
    assert.equal(contextAt('model { for (i in 1:N‸) { } }').kind, 'expression');
    assert.equal(contextAt('model { for (i in ‸) { } }').kind, 'expression');
  });

  it('offers nothing right after a complete operand, nor for a new loop variable', () => {
    assert.equal(contextAt('model { x <- a b‸ }').kind, 'none');
    assert.equal(contextAt('model { y ~ dnorm(0, 1) T‸ }').kind, 'none');
    assert.equal(contextAt('model { for (‸ in 1:N) { } }').kind, 'none');
  });

  it('knows the loop variables in scope, also while the loop is unfinished', () => {
    assert.deepEqual(contextAt('model { for (i in 1:N) { for (j in 1:M) { y[i, ‸] ~ dnorm(0, 1) } } }').loopVariables, ['i', 'j']);
    assert.deepEqual(contextAt('model { for (i in 1:N) { y[i] ~ dnorm(0, 1) }\n  z <- ‸ }').loopVariables, []);
    assert.deepEqual(contextAt('model {\n  for (k in 1:K) {\n    y[‸').loopVariables, ['k']);
    assert.deepEqual(contextAt('model { for (i in 1:N) y[‸] ~ dnorm(0, 1) }').loopVariables, ['i']);
  });

  it('offers the directives at the start of a top-level line', () => {
    assert.equal(contextAt('‸').kind, 'topLevel');
    assert.equal(contextAt('model { }\nda‸').kind, 'topLevel');
    assert.equal(contextAt('model {\n  mu ~ dnorm(0, 1)\n}\n\n  sa‸').kind, 'topLevel');
    assert.equal(contextAt('sample with ‸').kind, 'algorithm');
    assert.equal(contextAt('data ‸').kind, 'none');
  });

  it('offers gibbs options, and node names for monitor', () => {
    const c = contextAt('sample with gibbs(chains = 2, ‸)');
    assert.equal(c.kind, 'runOption');
    assert.deepEqual(c.given, ['chains']);
    assert.equal(contextAt('sample with gibbs(‸').kind, 'runOption');
    assert.equal(contextAt('sample with gibbs(chains = ‸)').kind, 'none');
    assert.equal(contextAt('sample with gibbs(monitor = ‸)').kind, 'monitor');
    assert.equal(contextAt('sample with gibbs(monitor = c(mu, ‸))').kind, 'monitor');
  });

  it('offers entry names in data list(...) and inits list(...)', () => {
    const data = contextAt('data list(N = 3, ‸)');
    assert.equal(data.kind, 'listEntry');
    assert.equal(data.directive, 'data');
    assert.deepEqual(data.given, ['N']);
    assert.equal(contextAt('inits list(‸)').directive, 'inits');
    assert.equal(contextAt('data list(N = ‸)').kind, 'none');
    assert.equal(contextAt('data list(y = c(1, ‸))').kind, 'none');
  });
});

describe('completion entries', () => {
  it('inserts distributions with their parameters as placeholders, described from the catalog', () => {
    const dnorm = entriesAt('model { mu ~ dn‸ }').find((e) => e.label === 'dnorm');
    assert.ok(dnorm);
    assert.equal(dnorm.insertText, 'dnorm(${1:mu}, ${2:tau})');
    assert.equal(dnorm.snippet, true);
    assert.equal(dnorm.detail, 'Normal distribution');
    assert.match(dnorm.documentation ?? '', /precision/);
    // Every proposal after ~ is a distribution.
    assert.deepEqual([...new Set(entriesAt('model { mu ~ ‸ }').map((e) => e.kind))], ['distribution']);
    // A ( already there: the name alone.
    assert.equal(entriesAt('model { mu ~ dn‸(0, 1) }').find((e) => e.label === 'dnorm')?.insertText, 'dnorm');
  });

  it('offers the model\'s nodes, its data, loop variables in scope and functions in expressions', () => {
    const entries = entriesAt(MODEL.replace('alpha + beta', 'alpha + ‸beta'));
    const byLabel = new Map(entries.map((e) => [e.label, e]));
    assert.equal(byLabel.get('i')?.kind, 'loopVariable');
    assert.equal(byLabel.get('alpha')?.kind, 'node');
    assert.equal(byLabel.get('tau')?.detail, 'stochastic node');
    assert.equal(byLabel.get('mu')?.detail, 'deterministic node');
    assert.equal(byLabel.get('Y')?.detail, 'stochastic node (data)');
    assert.equal(byLabel.get('N')?.kind, 'data');
    assert.equal(byLabel.get('x')?.kind, 'data');
    assert.equal(byLabel.get('sqrt')?.insertText, 'sqrt(${1:x})');
    assert.equal(byLabel.get('inprod')?.insertText, 'inprod(${1:x[]}, ${2:y[]})');
    // In an expression dnorm is JAGS's density function, offered as a function with its value first, not as a distribution.
    assert.equal(byLabel.get('dnorm')?.kind, 'function', 'no distributions in expressions');
    assert.equal(byLabel.get('pnorm')?.insertText, 'pnorm(${1:q}, ${2:mu}, ${3:tau})');
    // Outside the loop, its variable is not offered.
    assert.equal(entriesAt(MODEL.replace('tau ~ dgamma(0.001', 'tau ~ dgamma(‸0.001')).some((e) => e.label === 'i'), false);
  });

  it('offers node names, for and link functions at a statement start', () => {
    const got = labels(entriesAt(MODEL.replace('  alpha ~', '  ‸\n  alpha ~')));
    for (const expected of ['alpha', 'tau', 'for', 'logit', 'log']) assert.ok(got.includes(expected), `${expected} in ${got.join(' ')}`);
    assert.equal(got.includes('sqrt'), false, 'sqrt is no link function');
  });

  it('offers the directives as snippets at the top level', () => {
    const entries = entriesAt(`${MODEL}‸`);
    assert.deepEqual(labels(entries), ['model', 'data list(...)', 'inits list(...)', 'sample with gibbs(...)', 'fit with em(...)', 'calibrate with sbc(...)']);
    assert.match(entries[3]!.insertText, /^sample with gibbs\(chains = \$\{1:4\}/);
  });

  it('offers the gibbs options not given yet, and nodes for monitor', () => {
    assert.deepEqual(labels(entriesAt('sample with gibbs(chains = 2, seed = 1, ‸)')), ['burnin', 'iterations', 'thin', 'monitor', 'loo', 'ppc']);
    assert.deepEqual(labels(entriesAt(`${MODEL}sample with gibbs(monitor = c(‸))`)), ['mu', 'Y', 'alpha', 'beta', 'tau']);
  });

  it('offers what the model reads but does not define for data, and unobserved nodes for inits', () => {
    const model = 'model {\n  for (i in 1:N) { y[i] ~ dnorm(mu, tau) }\n  mu ~ dnorm(0, 1)\n  tau ~ dgamma(1, 1)\n}\n';
    assert.deepEqual(labels(entriesAt(`${model}data list(N = 2, ‸)`)), ['y', 'mu', 'tau']);
    assert.deepEqual(labels(entriesAt(`${model}data list(N = 2, y = c(1, 2))\ninits list(‸)`)), ['mu', 'tau']);
    assert.equal(entriesAt(`${model}inits list(‸)`)[0]?.insertText, 'y = $0');
  });
});

describe('snippets', () => {
  it('escapes $, } and \\ in placeholders', () => {
    assert.equal(escapeSnippet('a$b}c\\d'), 'a\\$b\\}c\\\\d');
    assert.equal(callSnippet('f', ['x}'], false), 'f(${1:x\\}})');
    assert.equal(callSnippet('f', [], false), 'f($0)');
    assert.equal(callSnippet('f', ['x'], true), 'f');
  });

  it('reads the parameters of catalog signatures, dropping variadic dots', () => {
    assert.deepEqual(signatureParameters('min(x[], ...)'), ['x[]']);
    assert.deepEqual(signatureParameters('ifelse(cond, a, b)'), ['cond', 'a', 'b']);
    assert.deepEqual(signatureParameters('inverse(A[,])'), ['A[,]']);
  });
});
