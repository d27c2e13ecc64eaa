import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readGeneralRDump, readRDump } from '../../../src/engine/data/rdump';
import { readPlainRDump } from '../../../src/engine/data/rdumpNumbers';
import type { NamedValues } from '../../../src/engine/language/rvalues';
import { Random } from '../../../src/engine/random/rng';

/*
 * The plain R dump reader (numbers straight into typed arrays) must read
 * exactly what the general reader reads wherever it reads at all, and leave
 * everything else to it.
 */

/** Names, dims and values, with NaN and -0 kept apart (Object.is per element). */
function assertSame(plain: NamedValues, general: NamedValues, text: string): void {
  assert.deepEqual([...plain.keys()], [...general.keys()], text);
  for (const [name, g] of general) {
    const p = plain.get(name)!;
    assert.deepEqual(p.dims, g.dims, `${name} in ${text}`);
    assert.equal(p.values.length, g.values.length, `${name} in ${text}`);
    for (let k = 0; k < g.values.length; k++) assert.ok(Object.is(p.values[k], g.values[k]), `${name}[${k}]: ${p.values[k]} against ${g.values[k]} in ${text}`);
  }
}

function readsAsGeneral(text: string): void {
  const plain = readPlainRDump(text);
  assert.ok(plain, `the plain reader should read: ${text}`);
  assertSame(plain, readGeneralRDump(text, 'data.R'), text);
}

describe('plain R dump reader', () => {
  it('reads numbers, vectors and arrays as the general reader does', () => {
    const texts = [
      '"N" <-\n1000000\n"y" <-\nc(1, 0, 1)\n',
      'N <- 3\nx = c(-0.5, 1e-3, 2.5E+2, .5, 7., 10L, NA, -0)\n',
      '"X" <-\nstructure(c(1, 2, 3, 4, 5, 6), .Dim = c(2L, 3L))\n',
      'X <- structure(.Data = c(1, 2, 3, 4, 5, 6, 7, 8), .Dim = c(2, 2, 2))',
      'X <- structure(c(1, 2, 3, 4, 5, 6), .Dim = as.integer(c(3, 2)))',
      'X <- structure(c(1, 2, 3), dim = 3L)',
      '# data\r\n"a" <- c( 1 ,2 ,\n 3 ) ; "b" <- 4 # four\r\n\r\n',
      'e <- c()\nz <- 0',
      '',
    ];
    for (const text of texts) readsAsGeneral(text);
  });

  it('leaves every other form to the general reader', () => {
    const texts = [
      'x <- 1:3',
      'x <- rep(0, 3)',
      'list(N = 3, y = c(1, 2, 3))',
      '".RNG.name" <- "base::Wichmann-Hill"',
      'x <- 1\nx <- 2',
      'X <- structure(c(1, 2, 3), .Dim = c(2L, 2L))',
      'X <- structure(c(1, 2, 3, 4), .Dim = c(2L, 2L), .Dimnames = list(NULL, c("a", "b")))',
      'x <- c(NA_integer_, 1)',
      'x <- 2 * 3',
      '`x` <- 1',
      'x <- c(1, 2) y <- 3',
      'x <- c(1, c(2, 3))',
      'x <- c(TRUE, FALSE)',
      'x <- -Inf',
    ];
    for (const text of texts) {
      assert.equal(readPlainRDump(text), undefined, text);
      let general: unknown;
      try {
        general = readGeneralRDump(text, 'data.R');
      } catch (e) {
        general = e;
      }
      let read: unknown;
      try {
        read = readRDump(text, 'data.R');
      } catch (e) {
        read = e;
      }
      assert.deepEqual(read, general, text);
    }
  });

  it('reads random vectors and matrices, written as R writes them, to the same bits', () => {
    const random = new Random(7);
    const written = (x: number): string => {
      if (Number.isNaN(x)) return 'NA';
      const form = Math.floor(random.uniform() * 4);
      return form === 0 ? String(x) : form === 1 ? x.toExponential(Math.floor(random.uniform() * 17)) : form === 2 ? x.toFixed(Math.floor(random.uniform() * 8)) : `${Math.round(x)}L`;
    };
    for (let trial = 0; trial < 40; trial++) {
      const rows = 1 + Math.floor(random.uniform() * 6);
      const cols = 1 + Math.floor(random.uniform() * 4);
      const cell = (): number => (random.uniform() < 0.05 ? Number.NaN : (random.uniform() - 0.5) * 10 ** Math.floor(random.uniform() * 12 - 6));
      const matrix = Array.from({ length: rows * cols }, () => written(cell()));
      const vector = Array.from({ length: rows }, () => written(cell()));
      readsAsGeneral(`"M" <-\nstructure(c(${matrix.join(', ')}), .Dim = c(${rows}L, ${cols}L))\n"v" <-\nc(${vector.join(', ')})\n"n" <-\n${rows}\n`);
    }
  });

  it('reads the repository\'s R dump examples as the general reader does, where it reads them', () => {
    const folder = join(__dirname, '../../../examples/classic-bugs');
    let plain = 0;
    for (const example of readdirSync(folder, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      for (const file of readdirSync(join(folder, example.name)).filter((f) => f.endsWith('.R'))) {
        const text = readFileSync(join(folder, example.name, file), 'utf8');
        const read = readPlainRDump(text);
        if (!read) continue;
        plain++;
        assertSame(read, readGeneralRDump(text, file), `${example.name}/${file}`);
      }
    }
    assert.ok(plain > 0, 'some example data are plain');
  });
});
