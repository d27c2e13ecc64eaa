import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tokenize } from '../../../src/engine/language/lexer';
import type { Token } from '../../../src/engine/language/tokens';
import { assertRangeInText, textOf } from './helpers';

/** Tokens other than newlines and the final eof, as [kind, text] pairs. */
function lex(text: string): Array<[string, string]> {
  return tokenize(text)
    .tokens.filter((t) => t.kind !== 'newline' && t.kind !== 'eof')
    .map((t) => [t.kind, t.text]);
}

function assertTokenRanges(text: string, tokens: Token[]): void {
  for (const t of tokens) {
    assertRangeInText(t.range, text, `token ${t.kind} '${t.text}'`);
    // Except for strings (whose text drops the quotes) and eof, a token's text is the text it covers.
    if (t.kind !== 'string' && t.kind !== 'eof') assert.equal(textOf(text, t.range), t.text);
  }
}

describe('lexer', () => {
  it('reads numbers in JAGS and R notation: decimals, exponents, a leading dot, the L suffix', () => {
    assert.deepEqual(lex('1 2.5 1.0E-4 3e+2 6e7 .5 2L 10L 7.'), [
      ['number', '1'],
      ['number', '2.5'],
      ['number', '1.0E-4'],
      ['number', '3e+2'],
      ['number', '6e7'],
      ['number', '.5'],
      ['number', '2L'],
      ['number', '10L'],
      ['number', '7.'],
    ]);
  });

  it('does not take an exponent marker without digits as part of the number', () => {
    assert.deepEqual(lex('2e'), [['number', '2'], ['name', 'e']]);
    assert.deepEqual(lex('2e-x'), [['number', '2'], ['name', 'e'], ['operator', '-'], ['name', 'x']]);
  });

  it('reads names with dots and underscores as one name, as JAGS does (tau.c, .hidden, x_1)', () => {
    assert.deepEqual(lex('tau.c mu.beta[1] .hidden x_1 a1.2'), [
      ['name', 'tau.c'],
      ['name', 'mu.beta'],
      ['punct', '['],
      ['number', '1'],
      ['punct', ']'],
      ['name', '.hidden'],
      ['name', 'x_1'],
      ['name', 'a1.2'],
    ]);
  });

  it('reads double- and single-quoted strings without their quotes', () => {
    assert.deepEqual(lex(`"data.R" 'theta[1]'`), [
      ['string', 'data.R'],
      ['string', 'theta[1]'],
    ]);
    assert.deepEqual(tokenize('"a"').problems, []);
  });

  it('reports an unterminated string, ending its range at the end of the line', () => {
    const text = 'x <- "abc\ny';
    const { tokens, problems } = tokenize(text);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.message, /Unterminated string/);
    assertRangeInText(problems[0]!.range, text);
    assert.equal(textOf(text, problems[0]!.range), '"abc');
    // Lexing goes on after the line break.
    assert.deepEqual(tokens.filter((t) => t.kind === 'name').map((t) => t.text), ['x', 'y']);
  });

  it('skips # comments to the end of the line and /* */ comments across lines', () => {
    const text = 'a # b c\n/* d\n e */ f # last';
    assert.deepEqual(lex(text), [['name', 'a'], ['name', 'f']]);
    assert.deepEqual(tokenize(text).problems, []);
  });

  it('reports an unterminated /* comment, covering the rest of the text', () => {
    const text = 'a ~ dnorm(0, 1)\n/* never closed\nb ~ dnorm(0, 1)';
    const { problems } = tokenize(text);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.message, /Unterminated comment/);
    assertRangeInText(problems[0]!.range, text);
    assert.equal(problems[0]!.range.start.offset, text.indexOf('/*'));
    assert.equal(problems[0]!.range.end.offset, text.length);
  });

  it('reads %*% and other %op% operators as one operator, and reports an unclosed %', () => {
    assert.deepEqual(lex('A %*% b'), [['name', 'A'], ['operator', '%*%'], ['name', 'b']]);
    const text = 'A % b\nc';
    const { tokens, problems } = tokenize(text);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.message, /special operator/);
    assert.equal(textOf(text, problems[0]!.range), '%');
    assert.ok(tokens.some((t) => t.kind === 'invalid' && t.text === '%'));
  });

  it('takes the longest operator: <- and <= rather than <, && rather than &', () => {
    assert.deepEqual(lex('a<-b<=c<d&&e&f==g!=h'), [
      ['name', 'a'], ['operator', '<-'], ['name', 'b'], ['operator', '<='], ['name', 'c'], ['operator', '<'], ['name', 'd'],
      ['operator', '&&'], ['name', 'e'], ['operator', '&'], ['name', 'f'], ['operator', '=='], ['name', 'g'], ['operator', '!='], ['name', 'h'],
    ]);
  });

  it('keeps newlines as tokens and ends with eof at the end of the text', () => {
    const text = 'a\nb\n';
    const { tokens } = tokenize(text);
    assert.deepEqual(tokens.map((t) => t.kind), ['name', 'newline', 'name', 'newline', 'eof']);
    const eof = tokens.at(-1)!;
    assert.deepEqual(eof.range.start, { line: 2, column: 0, offset: text.length });
  });

  it('turns an unexpected character into an invalid token and a problem, and goes on', () => {
    const text = 'a @ b';
    const { tokens, problems } = tokenize(text);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.message, /Unexpected character '@'/);
    assert.equal(textOf(text, problems[0]!.range), '@');
    assert.deepEqual(tokens.map((t) => t.kind), ['name', 'invalid', 'name', 'eof']);
  });

  it('gives every token a range inside the text whose line, column and offset agree', () => {
    const text = [
      'model {',
      '  # a comment with ~ and <- inside',
      '  for (i in 1:N) {',
      '    mu[i] <- alpha + beta * (x[i] - x.bar) /* inline */',
      '\tY[i] ~ dnorm(mu[i], tau.c) T(0,)',
      '  }',
      "  z <- A %*% b; s <- 'str' ; e <- 1.0E-4 + .5 + 2L",
      '}',
      'data list(N = 3, x = c(1, 2, 3))',
    ].join('\n');
    const { tokens, problems } = tokenize(text);
    assert.deepEqual(problems, []);
    assertTokenRanges(text, tokens);
    // Tokens come in text order without overlap.
    for (let k = 1; k < tokens.length; k++) assert.ok(tokens[k - 1]!.range.end.offset <= tokens[k]!.range.start.offset);
    const tab = tokens.find((t) => t.text === 'Y')!;
    assert.deepEqual(tab.range.start, { line: 4, column: 1, offset: text.indexOf('Y[i]') });
  });

  it('never throws and keeps ranges inside the text on odd input', () => {
    for (const text of ['', '\n', '/*', '"', "'", '%', '.', '..5', '1e', '1e+', '@#$', '/* */*/', 'a\r\nb', '\u00e9t\u00e9 ~ dnorm(0,1)']) {
      const { tokens, problems } = tokenize(text);
      assertTokenRanges(text, tokens);
      for (const p of problems) assertRangeInText(p.range, text, p.message);
      assert.equal(tokens.at(-1)!.kind, 'eof');
    }
  });
});
