import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Document, Expression, FileSource, IndexExpression, Statement } from '../../../src/engine/language/ast';
import { parseDocument, parseExpressionText } from '../../../src/engine/language/parser';
import { Random } from '../../../src/engine/random/rng';
import { assertRangeInText, textOf } from './helpers';

/** An expression as a Lisp-like string, to compare structure without ranges: a+b*c is (+ a (* b c)). */
function show(e: Expression | FileSource): string {
  switch (e.kind) {
    case 'file':
      return `from(${JSON.stringify(e.path)}${e.bindings.map((a) => `, ${a.name}=${show(a.value)}`).join('')})`;
    case 'number':
      return String(e.value);
    case 'string':
      return JSON.stringify(e.value);
    case 'name':
      return e.name;
    case 'index':
      return `${e.name}[${e.indices.map(showIndex).join(',')}]`;
    case 'call':
      return `${e.callee}(${e.args.map((a) => (a.name !== undefined ? `${a.name}=${show(a.value)}` : show(a.value))).join(', ')})`;
    case 'unary':
      return `(${e.op} ${show(e.operand)})`;
    case 'binary':
      return `(${e.op} ${show(e.left)} ${show(e.right)})`;
  }
}

function showIndex(i: IndexExpression): string {
  if (i.kind === 'empty') return '';
  if (i.kind === 'range') return `${show(i.from)}:${show(i.to)}`;
  return show(i.value);
}

/** A statement as one line: `Y[i] ~ dnorm(mu[i], tau)`, `logit(p[i]) <- ...`, `for i in 1:N { ... }`. */
function showStatement(s: Statement): string {
  if (s.kind === 'for') return `for ${s.variable} in ${show(s.from)}:${show(s.to)} { ${s.body.map(showStatement).join('; ')} }`;
  const t = s.target;
  const target = `${t.name}${t.indices.length ? `[${t.indices.map(showIndex).join(',')}]` : ''}`;
  const lhs = t.link ? `${t.link}(${target})` : target;
  if (s.kind === 'deterministic') return `${lhs} <- ${show(s.value)}`;
  const trunc = s.truncation ? ` ${s.truncation.kind}(${s.truncation.lower ? show(s.truncation.lower) : ''},${s.truncation.upper ? show(s.truncation.upper) : ''})` : '';
  return `${lhs} ~ ${s.distribution}(${s.args.map(show).join(', ')})${trunc}`;
}

function expr(text: string): string {
  const { expression, problems } = parseExpressionText(text);
  assert.deepEqual(problems, [], `problems parsing ${text}`);
  assert.ok(expression);
  return show(expression);
}

function parseClean(text: string): Document {
  const { document, problems } = parseDocument(text);
  assert.deepEqual(problems.map((p) => p.message), [], 'expected no problems');
  return document;
}

function modelLines(text: string): string[] {
  const doc = parseClean(text);
  assert.ok(doc.model, 'no model block');
  return doc.model.statements.map(showStatement);
}

describe('parser: expressions and precedence', () => {
  it('binds * tighter than +, and ^ tighter than *', () => {
    assert.equal(expr('a + b * c'), '(+ a (* b c))');
    assert.equal(expr('a * b + c'), '(+ (* a b) c)');
    assert.equal(expr('a * b ^ c'), '(* a (^ b c))');
    assert.equal(expr('(a + b) * c'), '(* (+ a b) c)');
  });

  it('makes - and / left-associative', () => {
    assert.equal(expr('a - b - c'), '(- (- a b) c)');
    assert.equal(expr('a / b / c'), '(/ (/ a b) c)');
  });

  it('makes ^ right-associative: 2^3^2 is 2^(3^2)', () => {
    assert.equal(expr('2^3^2'), '(^ 2 (^ 3 2))');
  });

  it('reads -2^2 as -(2^2), as R and JAGS do, but -a*b as (-a)*b', () => {
    assert.equal(expr('-2^2'), '(- (^ 2 2))');
    assert.equal(expr('-a * b'), '(* (- a) b)');
    assert.equal(expr('a ^ -b'), '(^ a (- b))');
  });

  it('binds : tighter than arithmetic and looser than unary minus, as in R', () => {
    assert.equal(expr('1:N + 1'), '(+ (: 1 N) 1)');
    assert.equal(expr('-1:3'), '(: (- 1) 3)');
    assert.equal(expr('1:(N - 1)'), '(: 1 (- N 1))');
  });

  it('puts comparison below arithmetic, ! below comparison, and && below ==', () => {
    assert.equal(expr('a + 1 < b * 2'), '(< (+ a 1) (* b 2))');
    assert.equal(expr('!a == b'), '(! (== a b))');
    assert.equal(expr('a == 1 && b || c'), '(|| (&& (== a 1) b) c)');
  });

  it('places %*% between * and :', () => {
    assert.equal(expr('a * B %*% c'), '(* a (%*% B c))');
    assert.equal(expr('X %*% b + c'), '(+ (%*% X b) c)');
  });

  it('reads calls with positional and named arguments, and index expressions of every kind', () => {
    assert.equal(expr('structure(c(1, 2), .Dim = c(1, 2))'), 'structure(c(1, 2), .Dim=c(1, 2))');
    assert.equal(expr('x[i, ]'), 'x[i,]');
    assert.equal(expr('a[, j]'), 'a[,j]');
    assert.equal(expr('y[1:K]'), 'y[1:K]');
    assert.equal(expr('z[i + 1, idx[j] * 2]'), 'z[(+ i 1),(* idx[j] 2)]');
    assert.equal(expr('x[]'), 'x[]');
  });

  it('reads numbers with R suffixes to their values', () => {
    assert.equal(expr('2L'), '2');
    assert.equal(expr('1.0E-4'), '0.0001');
    assert.equal(expr('.5'), '0.5');
  });

  it('gives each expression the range of its text', () => {
    const text = 'alpha + beta * x[i]';
    const { expression } = parseExpressionText(text);
    assert.ok(expression && expression.kind === 'binary');
    assert.equal(textOf(text, expression.range), text);
    assert.equal(textOf(text, expression.right.range), 'beta * x[i]');
  });

  it('reports text left over after a value', () => {
    const { expression, problems } = parseExpressionText('1 2');
    assert.equal(expression, undefined);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.message, /Unexpected '2'/);
  });
});

describe('parser: model blocks', () => {
  it('reads ~ and <- relations inside nested for loops', () => {
    const lines = modelLines(`model {
  for (i in 1:N) {
    for (j in 1:M) {
      Y[i, j] ~ dnorm(mu[i, j], tau)
      mu[i, j] <- alpha[i] + beta * x[j]
    }
    alpha[i] ~ dnorm(0, 0.01)
  }
  beta ~ dnorm(0, 1.0E-4)
  tau ~ dgamma(0.001, 0.001)
}`);
    assert.deepEqual(lines, [
      'for i in 1:N { for j in 1:M { Y[i,j] ~ dnorm(mu[i,j], tau); mu[i,j] <- (+ alpha[i] (* beta x[j])) }; alpha[i] ~ dnorm(0, 0.01) }',
      'beta ~ dnorm(0, 0.0001)',
      'tau ~ dgamma(0.001, 0.001)',
    ]);
  });

  it('accepts a for loop whose body is a single statement without braces', () => {
    assert.deepEqual(modelLines('model { for (i in 1:N) y[i] ~ dnorm(0, 1) }'), ['for i in 1:N { y[i] ~ dnorm(0, 1) }']);
  });

  it('accepts a link function on the left of <-', () => {
    assert.deepEqual(modelLines('model { for (i in 1:N) { logit(p[i]) <- a + b * x[i]\n log(lambda[i]) <- c } }'), [
      'for i in 1:N { logit(p[i]) <- (+ a (* b x[i])); log(lambda[i]) <- c }',
    ]);
  });

  it('accepts = as well as <- for a deterministic relation', () => {
    assert.deepEqual(modelLines('model { a = 1 }'), ['a <- 1']);
  });

  it('reads truncation with either bound or both: T(0,), T(,1), T(a,b)', () => {
    assert.deepEqual(modelLines('model {\n x ~ dnorm(0, 1) T(0,)\n y ~ dnorm(0, 1) T(,1)\n z ~ dnorm(0, 1) T(a, b + 1)\n w ~ dnorm(0, 1) I(0,)\n}'), [
      'x ~ dnorm(0, 1) T(0,)',
      'y ~ dnorm(0, 1) T(,1)',
      'z ~ dnorm(0, 1) T(a,(+ b 1))',
      'w ~ dnorm(0, 1) I(0,)',
    ]);
  });

  it('makes semicolons optional: statements may end at a line break, a semicolon, or just run on', () => {
    const expected = ['a ~ dnorm(0, 1)', 'b <- (* a 2)', 'c ~ dnorm(b, 1)'];
    assert.deepEqual(modelLines('model {\n a ~ dnorm(0, 1)\n b <- a * 2\n c ~ dnorm(b, 1)\n}'), expected);
    assert.deepEqual(modelLines('model { a ~ dnorm(0, 1); b <- a * 2;; c ~ dnorm(b, 1); }'), expected);
    assert.deepEqual(modelLines('model { a ~ dnorm(0, 1) b <- a * 2 c ~ dnorm(b, 1) }'), expected);
  });

  it('lets an expression continue on the next line after an operator', () => {
    assert.deepEqual(modelLines('model {\n m <- a +\n   b\n}'), ['m <- (+ a b)']);
  });

  it('gives statements, targets and distributions the ranges of their text', () => {
    const text = 'model {\n  Y[i] ~ dnorm(mu[i], tau) T(0,)\n}';
    const doc = parseClean(text);
    const s = doc.model!.statements[0]!;
    assert.equal(s.kind, 'stochastic');
    if (s.kind !== 'stochastic') return;
    assert.equal(textOf(text, s.range), 'Y[i] ~ dnorm(mu[i], tau) T(0,)');
    assert.equal(textOf(text, s.target.range), 'Y[i]');
    assert.equal(textOf(text, s.target.nameRange), 'Y');
    assert.equal(textOf(text, s.distributionRange), 'dnorm');
    assert.equal(textOf(text, s.truncation!.range), 'T(0,)');
    assert.equal(textOf(text, doc.model!.range), text);
  });
});

describe('parser: declarations and directives', () => {
  it('reads var declarations with and without dimensions', () => {
    const doc = parseClean('var x[N, 2], y, z[3];\nmodel { y ~ dnorm(0, 1) }');
    assert.deepEqual(
      doc.declarations.map((d) => `${d.name}[${d.dims.map(show).join(',')}]`),
      ['x[N,2]', 'y[]', 'z[3]'],
    );
  });

  it('reads data, inits and run directives after the model', () => {
    const text = [
      'model { mu ~ dnorm(0, 1); tau ~ dgamma(1, 1) }',
      'data list(N = 3, y = c(1, 2, 3))',
      'inits list(mu = 0)',
      'sample with gibbs(chains = 2, seed = 3, monitor = c(mu, tau))',
    ].join('\n');
    const doc = parseClean(text);
    assert.deepEqual(
      doc.directives.map((d) => (d.kind === 'run' ? `${d.verb} with ${d.algorithm}(${d.options.map((o) => `${o.name}=${show(o.value)}`).join(', ')})` : d.kind === 'compare' ? 'compare' : `${d.kind} ${show(d.value)}`)),
      ['data list(N=3, y=c(1, 2, 3))', 'inits list(mu=0)', 'sample with gibbs(chains=2, seed=3, monitor=c(mu, tau))'],
    );
    const run = doc.directives[2]!;
    assert.equal(textOf(text, run.range), 'sample with gibbs(chains = 2, seed = 3, monitor = c(mu, tau))');
    assert.ok(run.kind === 'run');
    assert.equal(textOf(text, run.algorithmRange), 'gibbs');
  });

  it('accepts a run directive without options', () => {
    const doc = parseClean('model { a ~ dnorm(0, 1) }\nsample with gibbs');
    const run = doc.directives[0]!;
    assert.ok(run.kind === 'run');
    assert.deepEqual(run.options, []);
  });

  it('reads data from "file" as a from(...) call', () => {
    const doc = parseClean('model { a ~ dnorm(0, 1) }\ndata from "data.R"');
    const data = doc.directives[0]!;
    assert.ok(data.kind === 'data');
    assert.equal(show(data.value), 'from("data.R")');
  });

  it('reads a data { } block as a block', () => {
    const doc = parseClean('data { n <- 3 }\nmodel { a ~ dnorm(0, 1) }');
    assert.equal(doc.data?.kind, 'data');
    assert.equal(doc.data?.statements.length, 1);
  });
});

describe('parser: errors', () => {
  it('reports both of two bad statements, each with a range inside the text, and keeps the good ones', () => {
    const text = ['model {', '  a ~ dnorm(0, 1)', '  b ~ ~ dnorm(0, 1)', '  c ~ dnorm(a, 1)', '  d <- * 2', '  e ~ dnorm(c, 1)', '}'].join('\n');
    const { document, problems } = parseDocument(text);
    assert.equal(problems.length, 2, problems.map((p) => p.message).join(' | '));
    for (const p of problems) assertRangeInText(p.range, text, p.message);
    assert.equal(problems[0]!.range.start.line, 2);
    assert.equal(problems[1]!.range.start.line, 4);
    assert.deepEqual(document.model!.statements.map((s) => (s.kind === 'for' ? 'for' : s.target.name)), ['a', 'c', 'e']);
  });

  it('recovers inside a for loop and after it', () => {
    const text = 'model {\n for (i in 1:N) {\n  y[i] ~ dnorm(mu[i, 1)\n  z[i] ~ dnorm(0, 1)\n }\n q ~ dnorm(0 1)\n r ~ dnorm(0, 1)\n}';
    const { document, problems } = parseDocument(text);
    assert.equal(problems.length, 2, problems.map((p) => p.message).join(' | '));
    for (const p of problems) assertRangeInText(p.range, text, p.message);
    assert.deepEqual(document.model!.statements.map(showStatement), ['for i in 1:N { z[i] ~ dnorm(0, 1) }', 'r ~ dnorm(0, 1)']);
  });

  it('explains a missing ~ or <-', () => {
    const text = 'model { a dnorm(0, 1) }';
    const { problems } = parseDocument(text);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.message, /Expected '~' or '<-' after 'a'/);
    assert.equal(textOf(text, problems[0]!.range), 'dnorm');
  });

  it('reports a missing closing brace at the end of the text', () => {
    const text = 'model {\n a ~ dnorm(0, 1)\n';
    const { problems } = parseDocument(text);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.message, /Expected '}' to close the 'model' block/);
    assertRangeInText(problems[0]!.range, text);
    assert.equal(problems[0]!.range.start.offset, text.length);
  });

  it('rejects a link function on the left of ~', () => {
    const { problems } = parseDocument('model { logit(p) ~ dbeta(1, 1) }');
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.message, /link function \('logit'\) is allowed only on the left of '<-'/);
  });

  it('rejects named distribution arguments and a for loop over something other than a range', () => {
    const a = parseDocument('model { a ~ dnorm(mean = 0, 1) }').problems;
    assert.equal(a.length, 1);
    assert.match(a[0]!.message, /positional/);
    const b = parseDocument('model { for (i in N) { a[i] ~ dnorm(0, 1) } }').problems;
    assert.ok(b.some((p) => /Expected a range such as 1:N/.test(p.message)));
  });

  it('reports an unknown section and goes on to the model', () => {
    const text = 'modle { a ~ dnorm(0, 1) }\nmodel { b ~ dnorm(0, 1) }';
    const { document, problems } = parseDocument(text);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.message, /Unknown section 'modle'/);
    assert.equal(document.model?.statements.length, 1);
  });

  it('reports a second model block', () => {
    const { problems } = parseDocument('model { a ~ dnorm(0, 1) }\nmodel { b ~ dnorm(0, 1) }');
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.message, /second 'model' block/);
  });

  it('never throws on deeply nested input, reporting a problem instead', () => {
    // parseDocument promises never to throw; its recursive descent must not overflow the stack either.
    for (const text of [`model { a <- ${'('.repeat(5000)}1${')'.repeat(5000)} }`, `model { a <- ${'-'.repeat(20000)}1 }`]) {
      let result: ReturnType<typeof parseDocument> | undefined;
      assert.doesNotThrow(() => (result = parseDocument(text)));
      for (const p of result?.problems ?? []) assertRangeInText(p.range, text, p.message);
    }
  });

  it('never throws on random mutations of a valid model, and keeps every problem range inside the text', () => {
    const valid = [
      'var x[N];',
      'model {',
      '  for (i in 1:N) {',
      '    mu[i] <- alpha + beta * (x[i] - mean(x[]))',
      '    logit(p[i]) <- mu[i]',
      '    Y[i] ~ dnorm(mu[i], tau) T(0,)',
      '  }',
      '  alpha ~ dnorm(0, 1.0E-4); beta ~ dnorm(0, .5)',
      '  tau ~ dgamma(0.001, 0.001) # precision',
      '  /* sd */ sigma <- 1 / sqrt(tau)',
      '}',
      'data list(N = 3L, x = c(1, NA, 3), Y = structure(c(1, 2, 3), .Dim = c(3)))',
      "inits list(alpha = -1, 'beta' = 2)",
      'sample with gibbs(chains = 2, seed = 3, monitor = c(alpha, "tau"))',
    ].join('\n');
    // Pieces of JAGS syntax, so that mutations make near-miss documents rather than only noise.
    const pieces = ['(', ')', '[', ']', '{', '}', ',', ';', '~', '<-', '=', ':', '^', '-', '*', '%*%', '%', '"', "'", '/*', '*/', '#', '\n', 'for', 'in', 'model', 'data', 'T(', 'logit(', 'dnorm(', '1.5e', '.', '@', ' '];
    const random = new Random(20240611);
    const pick = (n: number): number => Math.floor(random.uniform() * n);
    for (let trial = 0; trial < 400; trial++) {
      let text = valid;
      const edits = 1 + pick(4);
      for (let e = 0; e < edits; e++) {
        const at = pick(text.length + 1);
        const kind = pick(3);
        if (kind === 0) text = text.slice(0, at) + text.slice(at + 1 + pick(6)); // delete a few characters
        else if (kind === 1) text = text.slice(0, at) + pieces[pick(pieces.length)] + text.slice(at); // insert a piece
        else { // swap two short spans
          const b = pick(text.length + 1);
          const [lo, hi] = at < b ? [at, b] : [b, at];
          text = text.slice(0, lo) + text.slice(hi, hi + 3) + text.slice(lo + 3, hi) + text.slice(lo, lo + 3) + text.slice(hi + 3);
        }
      }
      let result: ReturnType<typeof parseDocument>;
      try {
        result = parseDocument(text);
      } catch (error) {
        assert.fail(`parseDocument threw on trial ${trial}: ${String(error)}\n--- text ---\n${text}`);
      }
      for (const p of result.problems) assertRangeInText(p.range, text, `trial ${trial}: ${p.message}`);
    }
  });
});

describe('compare directive', () => {
  it('reads the models to compare and the criterion', () => {
    const doc = parseClean('compare hierarchical, pooled with loo\n');
    const d = doc.directives[0]!;
    assert.equal(d.kind, 'compare');
    if (d.kind === 'compare') assert.deepEqual(d.models.map((m) => m.text), ['hierarchical', 'pooled']);
  });

  it('says what is wrong with one model, or another criterion', () => {
    assert.match(parseDocument('compare m1 with loo\n').problems[0]!.message, /two models or more/);
    assert.match(parseDocument('compare m1, m2 with waic\n').problems[0]!.message, /compared with loo/);
  });
});
