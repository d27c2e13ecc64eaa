// The TextMate grammar, tokenised by the engine VS Code itself uses (vscode-textmate with
// the Oniguruma regular expressions of vscode-oniguruma), and the language configuration.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';
import { DISTRIBUTION_CATALOG, FUNCTION_CATALOG } from '../../../src/engine/language/catalog';
import { NAME_PATTERN } from '../../../src/engine/language/symbols';

const root = join(__dirname, '../../..');
const GRAMMAR_PATH = join(root, 'syntaxes/latent.tmLanguage.json');
const grammarJson = readFileSync(GRAMMAR_PATH, 'utf8');
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  contributes: { languages: Array<{ id: string; configuration: string }>; grammars: Array<{ language: string; scopeName: string; path: string }> };
};

interface Token {
  text: string;
  scopes: string[];
}

let grammar: textmate.IGrammar;

before(async () => {
  await oniguruma.loadWASM(readFileSync(join(root, 'node_modules/vscode-oniguruma/release/onig.wasm')));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => (scopeName === 'source.latent' ? textmate.parseRawGrammar(grammarJson, GRAMMAR_PATH) : null),
  });
  const loaded = await registry.loadGrammar('source.latent');
  assert.ok(loaded, 'the grammar loads');
  grammar = loaded;
});

/** Every token of every line, with its scopes (outermost first). */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let stack = textmate.INITIAL;
  for (const line of text.split('\n')) {
    const result = grammar.tokenizeLine(line, stack);
    for (const t of result.tokens) tokens.push({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    stack = result.ruleStack;
  }
  return tokens;
}

/** The innermost scope of the token whose text is exactly `text` (the first such token). */
function scopeOf(source: string, text: string): string {
  const token = tokenize(source).find((t) => t.text === text);
  assert.ok(token, `no token '${text}' in ${JSON.stringify(tokenize(source).map((t) => t.text))}`);
  return token.scopes.at(-1)!;
}

/** Every regular expression of a grammar: `match`, `begin`, `end` and `while` at any depth. */
function regexes(node: unknown, path = '$'): Array<[string, string]> {
  if (Array.isArray(node)) return node.flatMap((n, i) => regexes(n, `${path}[${i}]`));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) =>
    ['match', 'begin', 'end', 'while'].includes(key) && typeof value === 'string' ? [[`${path}.${key}`, value] as [string, string]] : regexes(value, `${path}.${key}`),
  );
}

describe('grammar file', () => {
  const raw = JSON.parse(grammarJson) as { scopeName: string; repository: Record<string, unknown> };

  it('is contributed for the latent language and packaged', () => {
    assert.equal(raw.scopeName, 'source.latent');
    const contribution = packageJson.contributes.grammars.find((g) => g.language === 'latent');
    assert.ok(contribution, 'package.json contributes a grammar for latent');
    assert.equal(contribution.scopeName, raw.scopeName);
    assert.equal(join(root, contribution.path), GRAMMAR_PATH);
    assert.match(readFileSync(join(root, '.vscodeignore'), 'utf8'), /^!syntaxes\/\*\*$/m, '.vscodeignore keeps syntaxes/ in the package');
  });

  it('has regular expressions that Oniguruma compiles', () => {
    assert.throws(() => new oniguruma.OnigScanner(['(unclosed']), 'a bad expression throws (so the check below means something)');
    const all = regexes(raw);
    assert.ok(all.length > 20, `found ${all.length} expressions`);
    for (const [where, source] of all) {
      assert.doesNotThrow(() => new oniguruma.OnigScanner([source]).dispose(), `${where}: ${source}`);
    }
  });

  it('includes only rules its repository has', () => {
    const includes = [...grammarJson.matchAll(/"include": "#([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(includes.length > 0);
    for (const name of includes) assert.ok(name in raw.repository, `#${name} is in the repository`);
  });
});

describe('grammar tokens', () => {
  it('scopes comments, line and block, and what follows a block comment', () => {
    assert.equal(scopeOf('mu ~ dnorm(0, 1) # prior mean', ' prior mean'), 'comment.line.number-sign.latent');
    const tokens = tokenize('/* a\n dnorm */ model {');
    assert.equal(tokens.find((t) => t.text.includes('dnorm'))?.scopes.at(-1), 'comment.block.latent');
    assert.equal(tokens.find((t) => t.text === 'model')?.scopes.at(-1), 'keyword.other.block.latent');
  });

  it('scopes numbers in JAGS and R notation, and not the digits of a name', () => {
    for (const n of ['1.0E-4', '2.5', '.5', '10L', '3e+2', '7']) assert.equal(scopeOf(`x <- ${n}`, n), 'constant.numeric.latent', n);
    assert.equal(scopeOf('x <- y1', 'y1'), 'variable.other.latent');
  });

  it('scopes strings, which hold no comment', () => {
    assert.equal(scopeOf('data from "data.R"', 'data.R'), 'string.quoted.double.latent');
    assert.equal(scopeOf("data from 'a # b'", 'a # b'), 'string.quoted.single.latent');
  });

  it('scopes the keywords', () => {
    const source = 'var x[2]; model { for (i in 1:2) { x[i] ~ dnorm(0, 1) } }\ndata list(N = 1)\ninits list(mu = 0)\ndata from "d.R"\nsample with gibbs()';
    for (const [word, scope] of [
      ['var', 'keyword.other.block.latent'],
      ['model', 'keyword.other.block.latent'],
      ['data', 'keyword.other.block.latent'],
      ['for', 'keyword.control.loop.latent'],
      ['in', 'keyword.control.loop.latent'],
      ['inits', 'keyword.other.directive.latent'],
      ['from', 'keyword.other.directive.latent'],
      ['sample', 'keyword.other.directive.latent'],
      ['with', 'keyword.other.directive.latent'],
    ]) {
      assert.equal(scopeOf(source, word!), scope, word);
    }
  });

  it('scopes fit as a keyword where it starts a run, and not a node named fit', () => {
    assert.equal(scopeOf('fit with em(restarts = 2)', 'fit'), 'keyword.other.directive.latent');
    assert.equal(scopeOf('fit mixture with annealed.em()', 'fit'), 'keyword.other.directive.latent');
    assert.equal(scopeOf('model { fit ~ dnorm(0, 1) }', 'fit'), 'variable.other.latent');
  });

  it('scopes every distribution of the catalog as a support function', () => {
    for (const name of DISTRIBUTION_CATALOG.keys()) assert.equal(scopeOf(`x ~ ${name}(a, b)`, name), 'support.function.distribution.latent', name);
  });

  it('scopes every function of the catalog when it is called', () => {
    // A density function (dnorm(x, mu, tau)) shares its name with its distribution and is scoped as one: the grammar cannot tell them apart.
    for (const name of FUNCTION_CATALOG.keys()) {
      assert.equal(scopeOf(`x <- ${name}(a)`, name), DISTRIBUTION_CATALOG.has(name) ? 'support.function.distribution.latent' : 'support.function.latent', name);
    }
    // Not as a plain name: a node may be called t or c.
    assert.equal(scopeOf('x <- t + 1', 't'), 'variable.other.latent');
  });

  it('reads names with dots whole', () => {
    assert.equal(scopeOf('x <- tau.c', 'tau.c'), 'variable.other.latent');
    assert.equal(scopeOf('dnorm.x <- 1', 'dnorm.x'), 'variable.other.latent');
    assert.equal(scopeOf('model.1 <- 1', 'model.1'), 'variable.other.latent');
  });

  it('scopes calls of other names, such as a misspelt distribution', () => {
    assert.equal(scopeOf('mu ~ dnrom(0, 1)', 'dnrom'), 'entity.name.function.latent');
    assert.equal(scopeOf('data list(N = 1)', 'list'), 'entity.name.function.latent');
  });

  it('scopes the operators, %*% and the truncation of T( and I(', () => {
    const source = 'y <- a %*% b; z ~ dnorm(0, 1) T(0, ); w ~ dnorm(0, 1) I(, 1); v <- x[1:N] <= 2 && !q';
    assert.equal(scopeOf(source, '<-'), 'keyword.operator.assignment.latent');
    assert.equal(scopeOf(source, '~'), 'keyword.operator.stochastic.latent');
    assert.equal(scopeOf(source, '%*%'), 'keyword.operator.special.latent');
    assert.equal(scopeOf(source, 'T'), 'keyword.other.truncation.latent');
    assert.equal(scopeOf(source, 'I'), 'keyword.other.truncation.latent');
    assert.equal(scopeOf(source, ':'), 'keyword.operator.range.latent');
    assert.equal(scopeOf(source, '<='), 'keyword.operator.comparison.latent');
    assert.equal(scopeOf(source, '&&'), 'keyword.operator.logical.latent');
    assert.equal(scopeOf('x <- a<-b', 'a'), 'variable.other.latent');
  });

  it('scopes named arguments and the language constants', () => {
    const source = 'sample with gibbs(chains = 4, monitor = c(mu))\ndata list(y = c(1, NA), M = structure(c(1, 2), .Dim = c(1, 2)))';
    assert.equal(scopeOf(source, 'chains'), 'variable.parameter.latent');
    assert.equal(scopeOf(source, 'monitor'), 'variable.parameter.latent');
    assert.equal(scopeOf(source, '.Dim'), 'variable.parameter.latent');
    assert.equal(scopeOf(source, 'NA'), 'constant.language.latent');
    assert.equal(scopeOf(source, 'mu'), 'variable.other.latent');
  });
});

describe('language configuration', () => {
  const language = packageJson.contributes.languages.find((l) => l.id === 'latent');
  const configuration = JSON.parse(readFileSync(join(root, language?.configuration ?? 'missing'), 'utf8')) as {
    comments: { lineComment: string; blockComment: [string, string] };
    brackets: Array<[string, string]>;
    wordPattern: string;
    indentationRules: { increaseIndentPattern: string; decreaseIndentPattern: string };
  };

  it('is the latent language\'s, with its comments and brackets', () => {
    assert.ok(existsSync(join(root, language!.configuration)));
    assert.deepEqual(configuration.comments, { lineComment: '#', blockComment: ['/*', '*/'] });
    assert.deepEqual(configuration.brackets, [['{', '}'], ['[', ']'], ['(', ')']]);
  });

  it('has the lexer\'s names as its words, dots included', () => {
    assert.equal(configuration.wordPattern, NAME_PATTERN.source);
    assert.deepEqual('x <- tau.c + .5 * y_2'.match(new RegExp(configuration.wordPattern, 'g')), ['x', 'tau.c', '.5', 'y_2']);
  });

  it('indents after an open brace or parenthesis, not after a closed one or a comment', () => {
    const increase = new RegExp(configuration.indentationRules.increaseIndentPattern);
    const decrease = new RegExp(configuration.indentationRules.decreaseIndentPattern);
    for (const line of ['model {', 'for (i in 1:N) {  # each unit', 'data list(N = 5,']) assert.ok(increase.test(line), line);
    for (const line of ['mu ~ dnorm(0, 1)', 'x <- 1 # a comment (with a parenthesis', 'model { mu ~ dnorm(0, 1) }']) assert.ok(!increase.test(line), line);
    assert.ok(decrease.test('  }'));
    assert.ok(decrease.test(')'));
  });
});
