import { columnMajorToRowMajor, type DataArray, type NamedValues } from '../language/rvalues';

/**
 * Reads an R dump file of plain numeric data — what R's dump() and JAGS's
 * users write for large data: `"x" <- c(...)`, `N <- 10`,
 * `"X" <- structure(c(...), .Dim = c(200000L, 3L))`, numbers and NA only —
 * straight into typed arrays, without tokens or a syntax tree: the general
 * reader makes a token and an expression with source ranges per number,
 * about 1.3 GB and 6 s for a 200,000 × 3 design matrix. Returns undefined at
 * the first thing outside that form (a:b, rep(...), a list(...), a
 * string, a name given twice, an inconsistent .Dim, ...), so that the general
 * reader reads the whole file and reports problems exactly as before.
 */
export function readPlainRDump(text: string): NamedValues | undefined {
  return new PlainDump(text).file();
}

/** Thrown (and caught in `file`) where the text leaves the plain form. */
const NOT_PLAIN = Symbol('not plain');

class PlainDump {
  private at = 0;

  constructor(private readonly text: string) {}

  file(): NamedValues | undefined {
    const result: NamedValues = new Map();
    try {
      if (this.text.charCodeAt(0) === 0xfeff) this.at = 1;
      for (this.separators(); this.at < this.text.length; this.separators()) {
        const name = this.name();
        if (result.has(name)) return undefined;
        this.space(false);
        if (this.text.startsWith('<-', this.at)) this.at += 2;
        else if (this.text[this.at] === '=') this.at++;
        else return undefined;
        this.space(true);
        result.set(name, this.value());
        // An assignment ends its line (or a ';').
        this.space(false);
        const c = this.text[this.at];
        if (c !== undefined && c !== '\n' && c !== ';' && c !== '\r') return undefined;
      }
    } catch (e) {
      if (e === NOT_PLAIN) return undefined;
      throw e;
    }
    return result;
  }

  private name(): string {
    const c = this.text[this.at];
    if (c === '"' || c === "'") {
      const close = this.text.indexOf(c, this.at + 1);
      if (close < 0) throw NOT_PLAIN;
      const name = this.text.slice(this.at + 1, close);
      if (!PLAIN_NAME.test(name)) throw NOT_PLAIN;
      this.at = close + 1;
      return name;
    }
    NAME.lastIndex = this.at;
    if (!NAME.test(this.text)) throw NOT_PLAIN;
    const name = this.text.slice(this.at, NAME.lastIndex);
    this.at = NAME.lastIndex;
    return name;
  }

  private value(): DataArray {
    if (this.word('structure')) return this.structure();
    if (this.word('c')) {
      const values = this.vector();
      return { dims: [values.length], values };
    }
    return { dims: [], values: Float64Array.of(this.number()) };
  }

  /** `(n, n, ...)` after `c`, into a typed array of exactly its length (the commas counted first). */
  private vector(): Float64Array {
    this.expect('(');
    const close = this.text.indexOf(')', this.at);
    if (close < 0) throw NOT_PLAIN;
    let count = 0;
    for (let k = this.at; k < close; k++) if (this.text.charCodeAt(k) === 0x2c) count++;
    this.space(true);
    if (this.text[this.at] === ')') {
      this.at++;
      if (count > 0) throw NOT_PLAIN;
      return new Float64Array(0);
    }
    const values = new Float64Array(count + 1);
    for (let k = 0; k <= count; k++) {
      if (k > 0) this.expect(',');
      this.space(true);
      values[k] = this.number();
      this.space(true);
    }
    this.expect(')');
    return values;
  }

  /** `(c(...), .Dim = c(...))` after `structure`: R's column-major values, stored row-major. */
  private structure(): DataArray {
    this.expect('(');
    this.space(true);
    if (this.word('.Data')) {
      this.space(true);
      this.expect('=');
      this.space(true);
    }
    const values = this.word('c') ? this.vector() : Float64Array.of(this.number());
    this.space(true);
    this.expect(',');
    this.space(true);
    if (!this.word('.Dim') && !this.word('dim')) throw NOT_PLAIN;
    this.space(true);
    this.expect('=');
    this.space(true);
    let dims: number[];
    if (this.word('as.integer')) {
      this.space(true);
      this.expect('(');
      this.space(true);
      if (!this.word('c')) throw NOT_PLAIN;
      dims = Array.from(this.vector(), Math.trunc);
      this.space(true);
      this.expect(')');
    } else {
      dims = this.word('c') ? Array.from(this.vector()) : [this.number()];
    }
    this.space(true);
    this.expect(')');
    // The general reader says what is wrong with these.
    if (dims.length === 0 || dims.some((d) => !Number.isInteger(d) || d < 0) || dims.reduce((a, b) => a * b, 1) !== values.length) throw NOT_PLAIN;
    return { dims, values: columnMajorToRowMajor(values, dims) };
  }

  /** A number (`12`, `-0.5`, `1e-3`, `10L`) or NA. */
  private number(): number {
    if (this.word('NA')) return Number.NaN;
    NUMBER.lastIndex = this.at;
    if (!NUMBER.test(this.text)) throw NOT_PLAIN;
    const end = NUMBER.lastIndex;
    const integer = this.text.charCodeAt(end - 1) === 0x4c; // 10L
    const value = Number(this.text.slice(this.at, integer ? end - 1 : end));
    this.at = end;
    return value;
  }

  /** Reads `word` when it stands here as a whole name. */
  private word(word: string): boolean {
    if (!this.text.startsWith(word, this.at) || NAME_PART.test(this.text[this.at + word.length] ?? '')) return false;
    this.at += word.length;
    return true;
  }

  private expect(c: string): void {
    if (this.text[this.at] !== c) throw NOT_PLAIN;
    this.at++;
  }

  /** What may stand between assignments: spaces, line breaks, comments and ';'. */
  private separators(): void {
    for (this.space(true); this.text[this.at] === ';'; this.space(true)) this.at++;
  }

  /** Spaces and comments; line breaks too when `lines`. */
  private space(lines: boolean): void {
    for (;;) {
      const c = this.text.charCodeAt(this.at);
      if (c === 0x20 || c === 0x09 || c === 0x0d || (lines && c === 0x0a)) this.at++;
      else if (c === 0x23) {
        const line = this.text.indexOf('\n', this.at);
        this.at = line < 0 ? this.text.length : line;
      } else return;
    }
  }
}

/** A name R writes without quotes. */
const NAME = /[A-Za-z.][A-Za-z0-9._]*/y;
const PLAIN_NAME = /^[A-Za-z.][A-Za-z0-9._]*$/;
const NAME_PART = /[A-Za-z0-9._]/;
/** A number as R writes it, followed by a separator (so that `1:3` or `2*x` are left to the general reader). */
const NUMBER = /-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?L?(?=[\s,)]|$)/y;
