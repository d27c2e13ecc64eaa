import { suggest } from '../../engine/language/suggest';
import { ModelError, rangeOf, type Problem, type SourceRange } from '../../engine/language/source';
import type { MonitorTarget } from '../../engine/run/modelSession';
import { tokenizeScript, type ScriptToken } from './scriptTokens';
import { appendAll } from '../../engine/collections';

/** A file name in a script, with where it is written. */
export interface FileName {
  path: string;
  range: SourceRange;
}

/** The commands of a JAGS script that `latent jags` runs (JAGS manual, chapter 3: running JAGS in batch mode). */
export type ScriptCommand = { range: SourceRange } & (
  | { kind: 'model in'; file: FileName }
  | { kind: 'model clear' }
  | { kind: 'data in'; file: FileName }
  | { kind: 'data to'; file: FileName }
  | { kind: 'compile'; chains: number }
  /** `chain` undefined: every chain. */
  | { kind: 'parameters in'; file: FileName; chain?: number }
  | { kind: 'parameters to'; file: FileName; chain: number }
  | { kind: 'initialize' }
  | { kind: 'update'; iterations: number }
  | { kind: 'adapt'; iterations: number }
  | { kind: 'monitor'; target: MonitorTarget; thin: number }
  | { kind: 'monitor clear'; target: MonitorTarget }
  /** `target` undefined: `coda *`, every monitor. */
  | { kind: 'coda'; target?: MonitorTarget; stem: string }
  | { kind: 'load'; module: string; moduleRange: SourceRange }
  | { kind: 'unload'; module: string; moduleRange: SourceRange }
  | { kind: 'samplers to'; file: FileName }
  | { kind: 'exit' }
);

const COMMANDS = ['model', 'data', 'compile', 'parameters', 'inits', 'initialize', 'update', 'adapt', 'monitor', 'coda', 'load', 'unload', 'samplers', 'exit', 'quit'];

/**
 * Parses a JAGS script. Commands end at a line break or ';'. Throws
 * ModelError with every problem found (one per bad command), each with its
 * range in the script.
 */
export function parseScript(text: string): ScriptCommand[] {
  const { tokens, problems } = tokenizeScript(text);
  const commands: ScriptCommand[] = [];
  const parser = new ScriptParser(tokens);
  while (!parser.atEof()) {
    if (parser.skipEnds()) continue;
    try {
      commands.push(parser.command());
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      appendAll(problems, e.problems);
      parser.skipCommand();
    }
  }
  if (problems.length) throw new ModelError(problems.sort((a, b) => a.range.start.offset - b.range.start.offset));
  return commands;
}

class ScriptParser {
  private k = 0;

  constructor(private readonly tokens: ScriptToken[]) {}

  atEof(): boolean {
    return this.peek().kind === 'eof';
  }

  /** Skips ends of commands; true if there were any. */
  skipEnds(): boolean {
    const from = this.k;
    while (this.peek().kind === 'end') this.k++;
    return this.k > from;
  }

  skipCommand(): void {
    while (this.peek().kind !== 'end' && this.peek().kind !== 'eof') this.k++;
  }

  command(): ScriptCommand {
    const first = this.next();
    if (first.kind !== 'word') throw fail(first, `Expected a command, found ${describe(first)}.`);
    const word = first.text;
    let command: ScriptCommand;
    switch (word) {
      case 'model':
        command = this.isWord('clear') ? (this.next(), { kind: 'model clear', range: first.range }) : { kind: 'model in', file: this.direction('in', word), range: first.range };
        break;
      case 'data': {
        const verb = this.expectWord(['in', 'to'], word);
        command = { kind: verb === 'in' ? 'data in' : 'data to', file: this.fileName(), range: first.range };
        break;
      }
      case 'compile': {
        command = { kind: 'compile', chains: this.options({ nchains: 'count' }).counts.nchains ?? 1, range: first.range };
        break;
      }
      case 'parameters':
      case 'inits': {
        const verb = this.expectWord(word === 'inits' ? ['in'] : ['in', 'to'], word);
        const file = this.fileName();
        const chain = this.options({ chain: 'count' }).counts.chain;
        command = verb === 'in' ? { kind: 'parameters in', file, chain, range: first.range } : { kind: 'parameters to', file, chain: chain ?? 1, range: first.range };
        break;
      }
      case 'initialize':
        command = { kind: 'initialize', range: first.range };
        break;
      case 'update':
      case 'adapt': {
        const iterations = this.count(`'${word}' needs a number of iterations, as in ${word} 1000.`, 0);
        this.options({ by: 'count' });
        command = { kind: word, iterations, range: first.range };
        break;
      }
      case 'monitor': {
        if (this.isWord('clear')) {
          this.next();
          command = { kind: 'monitor clear', target: this.target(), range: first.range };
          break;
        }
        if (this.isWord('set')) this.next();
        const target = this.target();
        const thin = this.options({ thin: 'count', type: 'trace' }).counts.thin;
        command = { kind: 'monitor', target, thin: thin ?? 1, range: first.range };
        break;
      }
      case 'coda': {
        const star = this.peek();
        let target: MonitorTarget | undefined;
        if (star.kind === 'punct' && star.text === '*') this.next();
        else target = this.target();
        const stem = this.options({ stem: 'name' }).names.stem;
        command = { kind: 'coda', target, stem: stem ?? 'CODA', range: first.range };
        break;
      }
      case 'load':
      case 'unload': {
        const module = this.next();
        if (module.kind !== 'word' && module.kind !== 'string') throw fail(module, `'${word}' needs a module name, as in ${word} dic.`);
        command = { kind: word, module: module.text, moduleRange: module.range, range: first.range };
        break;
      }
      case 'samplers':
        command = { kind: 'samplers to', file: this.direction('to', word), range: first.range };
        break;
      case 'exit':
      case 'quit':
        command = { kind: 'exit', range: first.range };
        break;
      default:
        throw fail(first, `Unknown command '${word}'.${suggest(word, COMMANDS)} Commands: model in, data in, compile, parameters in, initialize, update, adapt, monitor, coda, load, exit.`);
    }
    const end = this.peek();
    if (end.kind !== 'end' && end.kind !== 'eof') throw fail(end, `Unexpected ${describe(end)} after the '${word}' command.`);
    command.range = rangeOf(first.range, this.tokens[this.k - 1]!.range);
    return command;
  }

  /** `in FILE` after `model`, `to FILE` after `samplers`. */
  private direction(word: string, command: string): FileName {
    this.expectWord([word], command);
    return this.fileName();
  }

  private expectWord(words: string[], command: string): string {
    const t = this.next();
    if (t.kind === 'word' && words.includes(t.text)) return t.text;
    throw fail(t, `Expected ${words.map((w) => `'${command} ${w}'`).join(' or ')}, found ${describe(t)}.`);
  }

  private fileName(): FileName {
    const t = this.next();
    if (t.kind !== 'string' && t.kind !== 'word') throw fail(t, `Expected a file name, as in "data.R", found ${describe(t)}.`);
    return { path: t.text, range: t.range };
  }

  private count(message: string, min: number): number {
    const t = this.next();
    const value = Number(t.text);
    if (t.kind !== 'word' || !Number.isInteger(value) || value < min) throw fail(t, `${message} Found ${describe(t)}.`);
    return value;
  }

  /**
   * `, name(value)` options after a command: counts (whole numbers ≥ 1),
   * names (a word or a string), or 'trace' for `type(trace)`, the only
   * monitor type that `latent jags` keeps.
   */
  private options(allowed: Record<string, 'count' | 'name' | 'trace'>): { counts: Record<string, number | undefined>; names: Record<string, string | undefined> } {
    const found = { counts: {} as Record<string, number | undefined>, names: {} as Record<string, string | undefined> };
    const names = Object.keys(allowed);
    while (this.peek().kind === 'punct' && this.peek().text === ',') {
      this.next();
      const name = this.next();
      if (name.kind !== 'word' || !names.includes(name.text)) {
        throw fail(name, `Expected ${names.map((n) => `${n}(…)`).join(' or ')} here, found ${describe(name)}.${name.kind === 'word' ? suggest(name.text, names) : ''}`);
      }
      this.punct('(');
      const kind = allowed[name.text];
      if (kind === 'count') {
        found.counts[name.text] = this.count(`${name.text}(…) takes a whole number ≥ 1.`, 1);
      } else {
        const value = this.next();
        if (value.kind !== 'word' && value.kind !== 'string') throw fail(value, `${name.text}(…) needs a name, found ${describe(value)}.`);
        if (kind === 'trace' && value.text !== 'trace') throw fail(value, `Only trace monitors are kept: type(trace), not type(${value.text}).`);
        found.names[name.text] = value.text;
      }
      this.punct(')');
    }
    return found;
  }

  /** `theta`, `b[1,2]`, `mu[2:3]`, `deviance`. */
  private target(): MonitorTarget {
    const name = this.next();
    if (name.kind !== 'word' || !/^[A-Za-z.][A-Za-z0-9._]*$/.test(name.text)) throw fail(name, `Expected a node name, as in theta or b[1,2], found ${describe(name)}.`);
    if (!(this.peek().kind === 'punct' && this.peek().text === '[')) return { name: name.text, range: name.range };
    this.next();
    const ranges: Array<[number, number]> = [];
    for (;;) {
      const from = this.count('An index is a whole number ≥ 1 or a range a:b.', 1);
      let to = from;
      if (this.peek().kind === 'punct' && this.peek().text === ':') {
        this.next();
        to = this.count('A range a:b ends with a whole number ≥ 1.', 1);
      }
      ranges.push([from, to]);
      const t = this.next();
      if (t.kind === 'punct' && t.text === ']') return { name: name.text, ranges, range: rangeOf(name.range, t.range) };
      if (!(t.kind === 'punct' && t.text === ',')) throw fail(t, `Expected ',' or ']' in the index of ${name.text}, found ${describe(t)}.`);
    }
  }

  private punct(text: string): void {
    const t = this.next();
    if (t.kind !== 'punct' || t.text !== text) throw fail(t, `Expected '${text}', found ${describe(t)}.`);
  }

  private isWord(text: string): boolean {
    const t = this.peek();
    return t.kind === 'word' && t.text === text;
  }

  private peek(): ScriptToken {
    return this.tokens[this.k]!;
  }

  private next(): ScriptToken {
    // An end of command is never consumed here, so that after a problem the next command is still read.
    const t = this.tokens[this.k]!;
    if (t.kind !== 'eof' && t.kind !== 'end') this.k++;
    return t;
  }
}

function describe(t: ScriptToken): string {
  switch (t.kind) {
    case 'eof':
      return 'the end of the script';
    case 'end':
      return 'the end of the line';
    case 'string':
      return `"${t.text}"`;
    default:
      return `'${t.text}'`;
  }
}

function fail(t: ScriptToken, message: string): ModelError {
  const problem: Problem = { severity: 'error', message, range: t.range };
  return new ModelError([problem]);
}
