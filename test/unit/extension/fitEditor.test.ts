import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDocument } from '../../../src/engine/language/parser';
import { FIT_OPTION_NAMES } from '../../../src/engine/run/fitOptions';
import { completionContext, completionEntries, type CompletionEntry } from '../../../src/extension/language/completionLogic';
import { hoverAt } from '../../../src/extension/language/hoverLogic';
import { cursor } from './cursor';

const MODEL = `model {
  for (i in 1:N) {
    z[i] ~ dcat(w[])
    x[i] ~ dnorm(mu[z[i]], 1)
  }
  for (k in 1:2) { mu[k] ~ dnorm(0, 0.01) }
  w[1:2] ~ ddirch(alpha[])
}
`;

function entriesAt(marked: string): CompletionEntry[] {
  const { text, offset } = cursor(marked);
  const document = parseDocument(text).document;
  const context = completionContext(text, offset, document);
  return completionEntries(context, document, text.slice(context.start, context.end));
}

const labels = (entries: CompletionEntry[]): string[] => entries.map((e) => e.label);

function hover(marked: string) {
  const { text, offset } = cursor(marked);
  const info = hoverAt(text, offset);
  return info && { ...info, word: text.slice(info.start, info.end) };
}

describe('editor: the fit directive', () => {
  it('offers fit with em(...) among the top-level directives', () => {
    const fit = entriesAt(`${MODEL}‸`).find((e) => e.label === 'fit with em(...)');
    assert.ok(fit);
    assert.match(fit.insertText, /^fit with \$\{1\|em,ecm,online\.em,annealed\.em,mcem\|\}\(/);
  });

  it('offers the EM algorithms after fit with and fit NAME with, gibbs after sample with', () => {
    assert.deepEqual(labels(entriesAt(`${MODEL}fit with ‸`)), ['em', 'ecm', 'online.em', 'annealed.em', 'mcem', 'vi', 'svi']);
    assert.deepEqual(labels(entriesAt('fit mixture with ‸')), ['em', 'ecm', 'online.em', 'annealed.em', 'mcem', 'vi', 'svi']);
    assert.equal(entriesAt(`${MODEL}fit with ‸`)[0]!.insertText, 'em($0)');
    assert.equal(entriesAt(`${MODEL}fit with ‸(tol = 1)`)[0]!.insertText, 'em');
    assert.deepEqual(labels(entriesAt(`${MODEL}sample with ‸`)), ['gibbs']);
  });

  it('offers the options that apply to the algorithm, leaving out those given', () => {
    const em = labels(entriesAt(`${MODEL}fit with em(tol = 1e-6, ‸)`));
    assert.ok(em.includes('mle') && em.includes('restarts') && em.includes('latent') && em.includes('threads'));
    assert.ok(!em.includes('tol'), 'given already');
    assert.ok(!em.includes('kappa') && !em.includes('beta0') && !em.includes('sweeps'), 'variant options left out');
    const online = labels(entriesAt(`${MODEL}fit with online.em(‸`));
    assert.ok(['batch', 'kappa', 't0'].every((o) => online.includes(o)));
    assert.ok(labels(entriesAt(`${MODEL}fit with annealed.em(‸`)).includes('beta.growth'));
    assert.ok(labels(entriesAt(`${MODEL}fit with mcem(‸`)).includes('sweeps'));
    // Six variant options, VI's iterations, anneal and monitor, and SVI's epochs.
    assert.equal(labels(entriesAt(`${MODEL}fit with em(‸`)).length, FIT_OPTION_NAMES.length - 10);
    const vi = labels(entriesAt(`${MODEL}fit with vi(‸`));
    assert.deepEqual(vi, ['tol', 'max.iter', 'restarts', 'init', 'seed', 'beta0', 'beta.growth', 'threads', 'iterations', 'anneal', 'monitor'], 'VI offers its own options, not the estimator\'s');
    const svi = labels(entriesAt(`${MODEL}fit with svi(‸`));
    assert.ok(['batch', 'kappa', 't0', 'epochs', 'iterations', 'monitor', 'seed'].every((o) => svi.includes(o)), JSON.stringify(svi));
    assert.ok(!svi.includes('mle') && !svi.includes('latent'), 'not the estimator\'s options');
    // gibbs keeps its own.
    assert.ok(labels(entriesAt(`${MODEL}sample with gibbs(‸`)).includes('chains'));
  });

  it('offers node names for latent = c(...)', () => {
    assert.ok(labels(entriesAt(`${MODEL}fit with em(latent = ‸)`)).includes('z'));
    assert.ok(labels(entriesAt(`${MODEL}fit with em(latent = c(z, ‸))`)).includes('mu'));
  });

  it('describes an algorithm and an option on hover', () => {
    const algorithm = hover(`${MODEL}fit with online.e‸m(kappa = 0.7)`);
    assert.equal(algorithm?.word, 'online.em');
    assert.match(algorithm?.markdown ?? '', /^\*\*online\.em\*\*: Online EM over minibatches/);
    const option = hover(`${MODEL}fit with online.em(batch = 10, ka‸ppa = 0.7)`);
    assert.equal(option?.word, 'kappa');
    assert.match(option?.markdown ?? '', /^\*\*kappa\*\* \(online\.em option\): .*0\.5 < kappa ≤ 1/);
    assert.match(hover(`${MODEL}fit with svi(batch = 10, ka‸ppa = 0.7)`)?.markdown ?? '', /^\*\*kappa\*\* \(svi option\): .*stochastic VI/);
    assert.match(hover(`${MODEL}fit with s‸vi(batch = 10)`)?.markdown ?? '', /^\*\*svi\*\*: Stochastic variational inference/);
    assert.match(hover(`${MODEL}fit with em(ml‸e = TRUE)`)?.markdown ?? '', /maximum likelihood/);
    assert.match(hover(`${MODEL}sample with gibbs(cha‸ins = 2)`)?.markdown ?? '', /Number of chains/);
    // Not an option name: a value, or a name outside a run.
    assert.equal(hover(`${MODEL}fit with em(latent = ‸z)`), undefined);
    assert.equal(hover('model { kap‸pa ~ dnorm(0, 1) }'), undefined);
  });
});
