import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hoverAt } from '../../../src/extension/language/hoverLogic';
import { cursor } from './cursor';

function hover(marked: string) {
  const { text, offset } = cursor(marked);
  const info = hoverAt(text, offset);
  return info && { ...info, word: text.slice(info.start, info.end) };
}

describe('hover', () => {
  it('describes a distribution after ~: its parameterisation and the meaning of each argument', () => {
    const h = hover('model { mu ~ dno‸rm(0, 1.0E-4) }');
    assert.ok(h);
    assert.equal(h.word, 'dnorm');
    assert.match(h.markdown, /^\*\*dnorm\(mu, tau\)\*\* — Normal distribution/);
    assert.match(h.markdown, /`tau`: precision = 1 \/ variance/);
    assert.match(hover('model { tau ~ dgamma‸(1, 1) }')?.markdown ?? '', /rate = 1 \/ scale/);
  });

  it('describes a distribution wherever its exact name stands', () => {
    assert.equal(hover('model { x <- ‸dnorm(0, 1) }')?.word, 'dnorm');
    assert.equal(hover('model {\n  y ~\n  ‸dbin(p, n)\n}')?.word, 'dbin');
  });

  it('describes a function only where it is called', () => {
    assert.match(hover('model { s <- sq‸rt(tau) }')?.markdown ?? '', /^\*\*sqrt\(x\)\*\* — Square root/);
    assert.match(hover('model { logit‸(p) <- a }')?.markdown ?? '', /as a link/);
    assert.equal(hover('model { t ~ dnorm(0, 1); y <- t‸ + 1 }'), undefined, 'a node named t is not the transpose');
  });

  it('says nothing about other names, unknown distributions, comments or strings', () => {
    assert.equal(hover('model { m‸u ~ dnorm(0, 1) }'), undefined);
    assert.equal(hover('model { mu ~ dnr‸om(0, 1) }'), undefined);
    assert.equal(hover('model { } # dno‸rm'), undefined);
    assert.equal(hover('data from "dno‸rm"'), undefined);
  });

  it('reads names with dots whole', () => {
    assert.equal(hover('model { tau.c ~ dgamma(1, 1); x <- tau.‸c }'), undefined);
  });
});
