import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDocument } from '../../../src/engine/language/parser';
import {
  definedNodes,
  inlineDataNames,
  loopVariablesAt,
  nameAt,
  textStateAt,
  usedNames,
  wordRangeAt,
} from '../../../src/engine/language/symbols';
import { cursor } from './cursor';

const doc = (text: string) => parseDocument(text).document;
const sorted = (names: Iterable<string> | undefined) => (names === undefined ? undefined : [...names].sort());

describe('nameAt', () => {
  it('finds the name containing the offset, or ending at it, with its neighbours', () => {
    const { text, offset } = cursor('model { mu ~ dn‸orm(0, 1) }');
    const at = nameAt(text, offset);
    assert.equal(at?.token.text, 'dnorm');
    assert.equal(at?.previous?.text, '~');
    assert.equal(at?.next?.text, '(');
    const end = cursor('model { x <- tau.c‸ }');
    assert.equal(nameAt(end.text, end.offset)?.token.text, 'tau.c');
  });

  it('skips line breaks between neighbours and finds nothing in comments, strings or numbers', () => {
    const { text, offset } = cursor('model {\n  y ~\n    dg‸amma(1, 1)\n}');
    assert.equal(nameAt(text, offset)?.previous?.text, '~');
    for (const marked of ['model { } # dn‸orm', '/* dn‸orm */', 'data from "dn‸orm"', 'model { x <- 1.0E‸-4 }', 'model { x <- 1 ‸+ 2 }']) {
      const c = cursor(marked);
      assert.equal(nameAt(c.text, c.offset), undefined, marked);
    }
  });
});

describe('textStateAt', () => {
  it('tells code, comments and strings apart as the lexer reads them', () => {
    const state = (marked: string) => {
      const c = cursor(marked);
      return textStateAt(c.text, c.offset);
    };
    assert.equal(state('model { ‸ }'), 'code');
    assert.equal(state('x # a ‸comment'), 'comment');
    assert.equal(state('x # a comment‸\ny'), 'comment');
    assert.equal(state('x # a comment\n‸y'), 'code');
    assert.equal(state('‸# a comment'), 'code');
    assert.equal(state('/* a ‸ */'), 'comment');
    assert.equal(state('/* a */‸'), 'code');
    assert.equal(state('/* unterminated ‸'), 'comment');
    assert.equal(state('"a‸b"'), 'string');
    assert.equal(state('"ab"‸'), 'code');
    assert.equal(state("'ab‸"), 'string');
    assert.equal(state('"ab\n‸'), 'code');
    assert.equal(state('"# not a comment" ‸'), 'code');
    assert.equal(state('# "not a string\n‸'), 'code');
  });
});

describe('wordRangeAt', () => {
  it('spans names with dots and digits around the offset', () => {
    const { text, offset } = cursor('x <- tau.‸c2 + 1');
    const r = wordRangeAt(text, offset);
    assert.equal(text.slice(r.start, r.end), 'tau.c2');
    assert.deepEqual(wordRangeAt('a + b', 2), { start: 2, end: 2 });
  });
});

describe('names a document defines and reads', () => {
  const text = `data {
  for (j in 1:J) { ybar[j] <- mean(Y[j, ]) }
}
model {
  for (i in 1:N) {
    logit(p[i]) <- alpha + beta * x[i]
    r[i] ~ dbin(p[i], n[i])
  }
  alpha ~ dnorm(0, 1.0E-4)
  beta ~ dnorm(0, 1.0E-4)
}
data list(N = 3, x = c(1, 2, 3), n = c(5, 5, 5), r = c(1, 2, 4))
data list(J = 1, Y = structure(c(1, 2), .Dim = c(1, 2)))
`;

  it('collects the targets of ~ and <- in the data block and the model', () => {
    assert.deepEqual([...definedNodes(doc(text))], [
      ['ybar', 'deterministic'],
      ['p', 'deterministic'],
      ['r', 'stochastic'],
      ['alpha', 'stochastic'],
      ['beta', 'stochastic'],
    ]);
  });

  it('collects the names read, loop variables included', () => {
    assert.deepEqual(sorted(usedNames(doc(text))), ['J', 'N', 'Y', 'alpha', 'beta', 'i', 'j', 'n', 'p', 'x']);
  });

  it('gives the loop variables whose loop contains the offset', () => {
    const d = doc(text);
    assert.deepEqual(loopVariablesAt(d, text.indexOf('n[i]')), ['i']);
    assert.deepEqual(loopVariablesAt(d, text.indexOf('mean(')), ['j']);
    assert.deepEqual(loopVariablesAt(d, text.indexOf('alpha ~')), []);
  });

  it('knows the inline data: every data list(...), plus what the data block defines', () => {
    assert.deepEqual(sorted(inlineDataNames(doc(text))), ['J', 'N', 'Y', 'n', 'r', 'x', 'ybar']);
  });

  it('does not know the data without a data directive, or when the data come from a file', () => {
    assert.equal(inlineDataNames(doc('model { y ~ dnorm(mu, 1) }')), undefined);
    assert.equal(inlineDataNames(doc('model { y ~ dnorm(mu, 1) }\ndata from "data.R"')), undefined);
    assert.equal(inlineDataNames(doc('model { y ~ dnorm(mu, 1) }\ndata list(y = 1)\ndata from "more.R"')), undefined);
    assert.deepEqual(sorted(inlineDataNames(doc('model { y ~ dnorm(mu, 1) }\ndata list()'))), []);
  });
});
