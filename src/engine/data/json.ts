import type { DataArray, NamedValues } from '../language/rvalues';
import type { Problem } from '../language/source';
import { fileError, fileProblem, LineIndex } from './fileProblems';
import { quoted } from '../language/messageText';
import { grownTypedArray } from '../collections';

/** A JSON value with the offsets it spans, so that problems can say where. */
type Json =
  | { kind: 'number'; value: number; start: number; end: number }
  | { kind: 'null' | 'string'; start: number; end: number }
  | { kind: 'boolean'; value: boolean; start: number; end: number }
  | { kind: 'array'; items: Json[]; start: number; end: number }
  /** An array of numbers, nulls (NaN) and booleans (1/0) only: its `length` elements from `first` on in the parser's NumberStore. */
  | { kind: 'numbers'; first: number; length: number; start: number; end: number }
  /** An array of `rows` arrays of numbers only, each `rowLength` long: their elements from `first` on in the NumberStore. */
  | { kind: 'rows'; first: number; rows: number; rowLength: number; start: number; end: number }
  | { kind: 'object'; members: Array<{ key: string; keyStart: number; keyEnd: number; value: Json }>; start: number; end: number };

/**
 * Reads data from JSON: one object mapping each name to a number, `null`
 * (missing), or nested arrays of them, row-major (`[[1, 2], [3, 4]]` is the
 * 2×2 matrix with first row 1, 2). `true`/`false` read as 1/0. A ragged array
 * is an error naming the variable. Entries that are strings or objects (such
 * as a "note") are not data: they are left out with a warning through `warn`.
 *
 * Throws ModelError: each problem's range is in the file and its message
 * starts with `fileName:line:column:`.
 */
export function readJsonData(text: string, fileName: string, warn: (p: Problem) => void = () => {}): NamedValues {
  const lines = new LineIndex(text);
  const fail = (start: number, end: number, message: string): never => {
    throw fileError(fileName, lines.range(Math.min(start, text.length), Math.min(end, text.length)), message);
  };
  const parser = new JsonParser(text, fail);
  const root = parser.document();
  if (root.kind !== 'object') {
    return fail(root.start, root.start + 1, 'A JSON data file holds one object mapping names to values, as in {"N": 3, "y": [1.5, null, 2]}.');
  }
  const result: NamedValues = new Map();
  for (const { key, keyStart, keyEnd, value } of root.members) {
    if (result.has(key)) fail(keyStart, keyEnd, `${quoted(key)} is given twice.`);
    if (value.kind === 'string' || value.kind === 'object') {
      warn(fileProblem(fileName, lines.range(keyStart, keyEnd), `${quoted(key)} is ${value.kind === 'string' ? 'a string' : 'an object'}, not numbers: it is left out of the data.`, 'warning'));
      continue;
    }
    result.set(key, toArray(key, value, parser, fail));
  }
  return result;
}

/** A number, null or a rectangular nested array as a row-major array. */
function toArray(name: string, value: Json, parser: JsonParser, fail: (start: number, end: number, message: string) => never): DataArray {
  const numbers = parser.numbers;
  if (value.kind !== 'array' && value.kind !== 'numbers' && value.kind !== 'rows') return { dims: [], values: Float64Array.of(scalar(name, value, fail)) };
  // The shape is that of the first element at each depth; every other element must agree.
  const dims: number[] = [];
  for (let v: Json = value; ; v = v.items[0]!) {
    if (v.kind === 'numbers') {
      dims.push(v.length);
      break;
    }
    if (v.kind === 'rows') {
      dims.push(v.rows, v.rowLength);
      break;
    }
    if (v.kind !== 'array') break;
    dims.push(v.items.length);
    if (v.items.length === 0) break;
  }
  const values = new Float64Array(dims.reduce((a, b) => a * b, 1));
  let filled = 0;
  // The element's name is made only for a message: a string per element was most of the reader's garbage.
  const named = (index: number[]): string => (index.length ? `${name}[${index.join(',')}]` : name);
  const index: number[] = [];
  const walk = (v: Json, depth: number): void => {
    if (v.kind === 'rows') {
      if (depth + 2 === dims.length && v.rows === dims[depth] && v.rowLength === dims[depth + 1]) {
        values.set(numbers.values.subarray(v.first, v.first + v.rows * v.rowLength), filled);
        filled += v.rows * v.rowLength;
        return;
      }
      // Something is wrong with it: its rows as items, which the checks below name and cover one by one.
      v = { kind: 'array', items: parser.rowsAsItems(v), start: v.start, end: v.end };
    }
    if (depth === dims.length) {
      if (v.kind === 'array' || v.kind === 'numbers') fail(v.start, v.end, `'${name}' is ragged: ${named(index)} is an array where the first elements hold numbers.`);
      values[filled++] = scalar(named(index), v, fail);
      return;
    }
    if (v.kind !== 'array' && v.kind !== 'numbers') {
      return fail(v.start, v.end, `'${name}' is ragged: ${named(index)} is a single value where an array of ${dims[depth]} is expected.`);
    }
    const length = v.kind === 'array' ? v.items.length : v.length;
    if (length !== dims[depth]) {
      // The shape comes from the first element at every depth (Y[1,1] for a short Y[2,1]), so that is the one to name.
      const first = index.length ? `${name}[${index.map(() => 1).join(',')}]` : name;
      fail(v.start, v.end, `'${name}' is ragged: ${named(index)} has ${length} element(s) but ${first} has ${dims[depth]}; arrays must be rectangular.`);
    }
    if (v.kind === 'numbers') {
      if (depth + 1 < dims.length) {
        index.push(1);
        const [start, end] = parser.firstItemSpan(v.start);
        fail(start, end, `'${name}' is ragged: ${named(index)} is a single value where an array of ${dims[depth + 1]} is expected.`);
      }
      for (let k = v.first; k < v.first + length; k++) values[filled++] = numbers.values[k]!;
      return;
    }
    for (let k = 0; k < length; k++) {
      index.push(k + 1);
      walk(v.items[k]!, depth + 1);
      index.pop();
    }
  };
  walk(value, 0);
  return { dims, values };
}

function scalar(name: string, v: Json, fail: (start: number, end: number, message: string) => never): number {
  switch (v.kind) {
    case 'number':
      return v.value;
    case 'null':
      return Number.NaN;
    case 'boolean':
      return v.value ? 1 : 0;
    default:
      return fail(v.start, v.end, `${name} is ${v.kind === 'string' ? 'a string' : 'an object'}; data are numbers, or null for a missing value.`);
  }
}

/** A JSON parser (RFC 8259) that keeps offsets; JSON.parse reports neither where nor what clearly. */
class JsonParser {
  private at = 0;
  private depth = 0;
  /** The elements of every array of numbers only. */
  readonly numbers = new NumberStore();

  constructor(
    private readonly text: string,
    private readonly fail: (start: number, end: number, message: string) => never,
  ) {}

  document(): Json {
    if (this.text.charCodeAt(0) === 0xfeff) this.at = 1;
    this.space();
    if (this.at >= this.text.length) this.fail(0, 0, 'The file is empty; expected a JSON object such as {"N": 3}.');
    const value = this.value();
    this.space();
    if (this.at < this.text.length) this.fail(this.at, this.at + 1, `Unexpected ${quoted(this.text[this.at]!)} after the JSON value.`);
    return value;
  }

  private value(): Json {
    const c = this.text[this.at];
    const start = this.at;
    if (c === '{' || c === '[') {
      if (++this.depth > MAX_DEPTH) this.fail(start, start + 1, `The JSON nests more than ${MAX_DEPTH} levels deep.`);
      const value = c === '{' ? this.object() : this.array();
      this.depth--;
      return value;
    }
    if (c === '"') {
      this.string();
      return { kind: 'string', start, end: this.at };
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const [word, json] of WORDS) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return { ...json, start, end: this.at };
      }
    }
    if (c === undefined) return this.fail(start, start, 'The JSON ends early: a value is missing.');
    const word = /^[A-Za-z]+/.exec(this.text.slice(start, start + 20))?.[0];
    if (word === 'NaN' || word === 'NA' || word === 'Infinity') this.fail(start, start + word.length, `${word} is not JSON; write null for a missing value.`);
    return this.fail(start, start + 1, `Unexpected ${quoted(c ?? '')}: expected a number, null, an array or an object.`);
  }

  private object(): Json {
    const start = this.at++;
    const members: Array<{ key: string; keyStart: number; keyEnd: number; value: Json }> = [];
    this.space();
    if (this.text[this.at] === '}') {
      this.at++;
      return { kind: 'object', members, start, end: this.at };
    }
    for (;;) {
      this.space();
      const keyStart = this.at;
      if (this.text[this.at] !== '"') {
        this.fail(keyStart, keyStart + 1, this.text[this.at] === '}' ? "A trailing comma before '}' is not JSON." : 'Expected a name in double quotes, as in "y": [1, 2].');
      }
      const key = this.string();
      const keyEnd = this.at;
      this.space();
      if (this.text[this.at] !== ':') this.fail(this.at, this.at + 1, `Expected ':' after "${key}".`);
      this.at++;
      this.space();
      members.push({ key, keyStart, keyEnd, value: this.value() });
      this.space();
      const c = this.text[this.at];
      this.at++;
      if (c === '}') return { kind: 'object', members, start, end: this.at };
      if (c !== ',') this.fail(this.at - 1, this.at, `${c === undefined ? 'The JSON ends early: expected' : 'Expected'} ',' or '}' after the value of "${key}".`);
    }
  }

  private array(): Json {
    const start = this.at++;
    this.space();
    if (this.text[this.at] === ']') {
      this.at++;
      return { kind: 'array', items: [], start, end: this.at };
    }
    // Numbers (and nulls, booleans) go to one store for the whole file while the array holds nothing else: an object
    // per number was about 80 bytes, and a typed array per row more; the first other item turns them into items.
    // Likewise a matrix's rows: while every item is an array of as many numbers, they stay in the store and the array is
    // one 'rows' value (an object per row was most of the reader's memory for a 1,000,000 × 3 design matrix).
    const first = this.numbers.count;
    let items: Json[] | undefined;
    let rows = 0;
    let rowLength = 0;
    for (;;) {
      this.space();
      if (this.text[this.at] === ']') this.fail(this.at, this.at + 1, "A trailing comma before ']' is not JSON.");
      if (!items && rows === 0 && this.scalar()) {
        this.numbers.add(this.scalarValue);
      } else if (!items && this.numbers.count === first + rows * rowLength && this.text[this.at] === '[') {
        const row = this.value();
        if (row.kind === 'numbers' && (rows === 0 || row.length === rowLength) && row.first === first + rows * rowLength) {
          rows++;
          rowLength = row.length;
        } else {
          items = this.rowsAsItems({ kind: 'rows', first, rows, rowLength, start, end: start });
          items.push(row);
        }
      } else {
        items ??= rows > 0 ? this.rowsAsItems({ kind: 'rows', first, rows, rowLength, start, end: start }) : this.numbersAsItems(start, this.numbers.count - first);
        items.push(this.value());
      }
      this.space();
      const c = this.text[this.at];
      this.at++;
      if (c === ']') {
        if (items) return { kind: 'array', items, start, end: this.at };
        if (rows > 0) return { kind: 'rows', first, rows, rowLength, start, end: this.at };
        return { kind: 'numbers', first, length: this.numbers.count - first, start, end: this.at };
      }
      if (c !== ',') this.fail(this.at - 1, this.at, `${c === undefined ? 'The JSON ends early: expected' : 'Expected'} ',' or ']' in the array.`);
    }
  }

  /**
   * The first `count` items of the array opening at `start`, numbers all, as items: for an array found to hold
   * something else too. They are read again rather than their places kept for every number of the file (8 bytes each);
   * their values stay in the store, unused.
   */
  private numbersAsItems(start: number, count: number): Json[] {
    const resume = this.at;
    const items: Json[] = [];
    this.at = start + 1;
    for (let k = 0; k < count; k++) {
      this.space();
      const itemStart = this.at;
      this.scalar();
      items.push({ kind: 'number', value: this.scalarValue, start: itemStart, end: this.at });
      this.space();
      this.at++; // the comma
    }
    this.at = resume;
    return items;
  }

  /** The rows of a 'rows' value as items (arrays of numbers), their places read again from the text. */
  rowsAsItems(v: Extract<Json, { kind: 'rows' }>): Json[] {
    const resume = this.at;
    const items: Json[] = [];
    this.at = v.start + 1;
    for (let r = 0; r < v.rows; r++) {
      this.space();
      const rowStart = this.at;
      this.at = this.text.indexOf(']', this.at) + 1;
      items.push({ kind: 'numbers', first: v.first + r * v.rowLength, length: v.rowLength, start: rowStart, end: this.at });
      this.space();
      this.at++; // the comma
    }
    this.at = resume;
    return items;
  }

  /** Where the first item of the array opening at `start` is, for a message. */
  firstItemSpan(start: number): [number, number] {
    const resume = this.at;
    this.at = start + 1;
    this.space();
    const itemStart = this.at;
    this.scalar();
    const span: [number, number] = [itemStart, this.at];
    this.at = resume;
    return span;
  }

  /** The value `scalar` read last. */
  private scalarValue = 0;

  /**
   * Reads a number, null (NaN) or boolean (1/0) into `scalarValue` and returns
   * true; returns false, reading nothing, at any other value. A malformed
   * number is read by `value`, which reports it.
   */
  private scalar(): boolean {
    const c = this.text.charCodeAt(this.at);
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      NUMBER.lastIndex = this.at;
      if (!NUMBER.test(this.text)) return false;
      this.scalarValue = Number(this.text.slice(this.at, NUMBER.lastIndex));
      this.at = NUMBER.lastIndex;
      return true;
    }
    for (const [word, json] of WORDS) {
      if (!this.text.startsWith(word, this.at)) continue;
      this.at += word.length;
      this.scalarValue = json.kind === 'null' ? Number.NaN : json.value ? 1 : 0;
      return true;
    }
    return false;
  }

  private string(): string {
    const start = this.at++;
    let value = '';
    for (;;) {
      const c = this.text[this.at];
      if (c === undefined || c === '\n') return this.fail(start, this.at, 'Unterminated string: a closing " is missing.');
      this.at++;
      if (c === '"') return value;
      if (c !== '\\') {
        value += c;
        continue;
      }
      const e = this.text[this.at++];
      if (e === 'u') {
        const hex = this.text.slice(this.at, this.at + 4);
        if (!/^[0-9A-Fa-f]{4}$/.test(hex)) this.fail(this.at - 2, this.at + 4, 'Expected four hexadecimal digits after \\u.');
        value += String.fromCharCode(parseInt(hex, 16));
        this.at += 4;
      } else if (e !== undefined && e in ESCAPES) {
        value += ESCAPES[e];
      } else {
        this.fail(this.at - 2, this.at, `Unknown escape '\\${e ?? ''}' in a string.`);
      }
    }
  }

  private number(): Json {
    const start = this.at;
    NUMBER.lastIndex = start;
    if (!NUMBER.test(this.text)) return this.fail(start, start + 1, 'Expected a number.');
    this.at = NUMBER.lastIndex;
    return { kind: 'number', value: Number(this.text.slice(start, this.at)), start, end: this.at };
  }

  private space(): void {
    while (this.at < this.text.length && ' \t\n\r'.includes(this.text[this.at]!)) this.at++;
  }
}

/** The numbers of the file's arrays of numbers, in a typed array grown by doubling (their places are read again for a message). */
class NumberStore {
  values = new Float64Array(1024);
  count = 0;

  add(value: number): void {
    if (this.count === this.values.length) this.values = grownTypedArray(this.values);
    this.values[this.count++] = value;
  }
}

const MAX_DEPTH = 200;

/** A JSON number at `lastIndex` (sticky: no copy of the text to match against). */
const NUMBER = /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;

const WORDS: Array<[string, { kind: 'null' } | { kind: 'boolean'; value: boolean }]> = [
  ['null', { kind: 'null' }],
  ['true', { kind: 'boolean', value: true }],
  ['false', { kind: 'boolean', value: false }],
];

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
