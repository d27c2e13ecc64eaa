import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inflateSync } from 'node:zlib';
import * as zlib from 'node:zlib';
import { crc32, encodePng } from '../../../src/engine/image/pngEncoder';
import { roundTicks } from '../../../src/engine/image/plotPanel';
import { Raster } from '../../../src/engine/image/raster';
import { IMAGE_NODES, IMAGE_WIDTH, isCompactImage, staticImage } from '../../../src/engine/image/staticImage';
import type { JobOutput } from '../../../src/engine/job/output';
import type { NodeResult } from '../../../src/engine/output/runOutput';
import type { SbcOutput } from '../../../src/engine/sbc/sbcOutput';
import { gmm2dFit } from '../renderer/fitFixtures';
import { makeNode, makeOutput } from '../renderer/fixtures';

/** A PNG read back by the PNG specification, independently of the encoder: chunks with their CRCs, then the filtered rows un-filtered. */
function decodePng(png: Uint8Array): { width: number; height: number; pixel: (x: number, y: number) => [number, number, number]; text: Record<string, string> } {
  const bytes = Buffer.from(png);
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'the PNG signature');
  const chunks: Array<{ type: string; data: Buffer }> = [];
  for (let at = 8; at < bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const data = bytes.subarray(at + 8, at + 8 + length);
    // Node's own CRC-32 where it has one (20.15+), so that the check does not rest on the encoder's.
    const expected = (zlib as { crc32?: (b: Uint8Array) => number }).crc32?.(bytes.subarray(at + 4, at + 8 + length)) ?? crc32(bytes.subarray(at + 4, at + 8 + length));
    assert.equal(bytes.readUInt32BE(at + 8 + length), expected, `the CRC of ${type}`);
    chunks.push({ type, data });
    at += 12 + length;
  }
  assert.equal(chunks[0]!.type, 'IHDR', 'IHDR first');
  assert.equal(chunks[chunks.length - 1]!.type, 'IEND', 'IEND last');
  const header = chunks[0]!.data;
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  assert.deepEqual([...header.subarray(8)], [8, 2, 0, 0, 0], '8-bit RGB, deflate, no interlace');
  const raw = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  const stride = width * 3;
  assert.equal(raw.length, height * (stride + 1));
  const rgb = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let i = 0; i < stride; i++) {
      const value = raw[y * (stride + 1) + 1 + i]!;
      const left = i >= 3 ? rgb[y * stride + i - 3]! : 0;
      const up = y > 0 ? rgb[(y - 1) * stride + i]! : 0;
      // Filters 0 (none), 1 (sub) and 2 (up); the encoder uses no other.
      assert.ok(filter <= 2, `filter ${filter}`);
      rgb[y * stride + i] = (value + (filter === 1 ? left : filter === 2 ? up : 0)) & 0xff;
    }
  }
  const text = Object.fromEntries(chunks.filter((c) => c.type === 'tEXt').map((c) => c.data.toString('latin1').split('\0') as [string, string]));
  return { width, height, text, pixel: (x, y) => [rgb[(y * width + x) * 3]!, rgb[(y * width + x) * 3 + 1]!, rgb[(y * width + x) * 3 + 2]!] };
}

/** Pixels in the rectangle whose colour is within `tolerance` of `colour` in every channel. */
function countColour(image: ReturnType<typeof decodePng>, box: { x: number; y: number; width: number; height: number }, colour: readonly number[], tolerance = 12): number {
  let n = 0;
  for (let y = box.y; y < box.y + box.height; y++) {
    for (let x = box.x; x < box.x + box.width; x++) if (image.pixel(x, y).every((v, c) => Math.abs(v - colour[c]!) <= tolerance)) n++;
  }
  return n;
}

/** Plotly's first two chain colours at 75 % over white, as the trace lines are drawn. */
const CHAIN_1 = [99, 110, 250].map((v) => Math.round(255 * 0.25 + v * 0.75));
const CHAIN_2 = [239, 85, 59].map((v) => Math.round(255 * 0.25 + v * 0.75));
const BAR = [99, 110, 250].map((v) => Math.round(255 * 0.2 + v * 0.8));

/** A node whose chain 1 stays at 1 and chain 2 at 9 for 200 iterations (off the grid lines at 2, 4, 6, 8), with a histogram. */
function flatChains(name: string): NodeResult {
  const iterations = Array.from({ length: 200 }, (_, i) => i + 1);
  return { ...makeNode(name), trace: { iterations, chains: [iterations.map(() => 1), iterations.map(() => 9)] } };
}

describe('the static image of a job', () => {
  it('encodes a raster as a valid PNG that decodes to the same pixels', () => {
    const raster = new Raster(7, 5, [255, 255, 255]);
    raster.fillRect(1, 1, 3, 2, [10, 200, 30]);
    raster.line(0, 4, 6, 4, [0, 0, 0]);
    const image = decodePng(encodePng(raster, { Latent: 'test' }));
    assert.deepEqual([image.width, image.height], [7, 5]);
    for (let y = 0; y < 5; y++) for (let x = 0; x < 7; x++) assert.deepEqual(image.pixel(x, y), raster.pixel(x, y), `(${x}, ${y})`);
    assert.equal(image.text.Latent, 'test');
  });

  it('sampling: a trace per node where the chains are, a histogram beside, one row per node', () => {
    const output = makeOutput({ nodes: [flatChains('mu'), flatChains('tau')] });
    const image = decodePng(staticImage({ kind: 'sample', output })!);
    assert.equal(image.width, IMAGE_WIDTH);
    const rowHeight = (image.height - 16) / 2;
    assert.equal(rowHeight, 120, 'two rows of 120 px under a 16 px header');
    // Chain 2 (at 9) runs along the top of the plotting area, chain 1 (at 1) along the bottom: find the rows where each lies.
    const rowsOf = (colour: number[], top: number): number[] => {
      const rows: number[] = [];
      for (let y = top; y < top + rowHeight; y++) if (countColour(image, { x: 0, y, width: 400, height: 1 }, colour) > 200) rows.push(y);
      return rows;
    };
    for (const top of [16, 16 + rowHeight]) {
      const low = rowsOf(CHAIN_1, top);
      const high = rowsOf(CHAIN_2, top);
      assert.equal(low.length, 1, `chain 1 a horizontal line in the row at ${top}: ${low}`);
      assert.equal(high.length, 1, `chain 2 a horizontal line: ${high}`);
      assert.ok(high[0]! < low[0]! - 50, `the higher chain above the lower (${high[0]} < ${low[0]})`);
      assert.ok(countColour(image, { x: 400, y: top, width: 240, height: rowHeight }, BAR, 3) > 1000, 'histogram bars on the right');
      assert.equal(countColour(image, { x: 0, y: top, width: 400, height: rowHeight }, BAR, 3), 0, 'no bars among the traces');
    }
  });

  it('draws at most the first few nodes, with every chain', () => {
    const nodes = Array.from({ length: 9 }, (_, k) => makeNode(`theta[${k + 1}]`, { offset: k }));
    const image = decodePng(staticImage({ kind: 'sample', output: makeOutput({ nodes }) })!);
    assert.equal(image.height, 16 + IMAGE_NODES * 120);
    const one = decodePng(staticImage({ kind: 'sample', output: makeOutput({ nodes }) }, 1)!);
    assert.equal(one.height, 16 + 120, 'one node when asked for fewer (an output short of room)');
  });

  it('is the same bytes for the same output, and marked as Latent\'s compact image', () => {
    const output: JobOutput = { kind: 'sample', output: makeOutput() };
    const a = staticImage(output)!;
    assert.deepEqual(staticImage(structuredClone(output)), a);
    assert.ok(isCompactImage(a));
    assert.ok(!isCompactImage(encodePng(new Raster(2, 2, [0, 0, 0]))), 'another PNG is not');
  });

  it('stays compact: four noisy nodes of 4 chains × 1000 points under 160 kB', () => {
    let state = 12345;
    // A fixed linear congruential sequence: the noisiest traces a sampler gives, reproducibly.
    const noise = (): number => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    const nodes = Array.from({ length: 4 }, (_, k) => {
      const node = makeNode(`x[${k + 1}]`, { points: 1000 });
      return { ...node, trace: { ...node.trace, chains: node.trace.chains.map((c) => c.map(() => noise())) } };
    });
    const png = staticImage({ kind: 'sample', output: makeOutput({ nodes }) })!;
    assert.ok(png.length < 160_000, `${png.length} bytes`);
  });

  it('a stopped run with draws has its image; a running one, or one that failed with nothing, has none', () => {
    assert.ok(staticImage({ kind: 'sample', output: makeOutput({ status: 'cancelled' }) }));
    assert.equal(staticImage({ kind: 'sample', output: makeOutput({ status: 'running' }) }), undefined);
    assert.equal(staticImage({ kind: 'sample', output: makeOutput({ status: 'failed', nodes: [] }) }), undefined);
    const bare = makeOutput({ nodes: [{ ...makeNode('mu'), trace: { iterations: [], chains: [] }, histogram: { edges: [], counts: [] } }] });
    assert.equal(staticImage({ kind: 'sample', output: bare }), undefined, 'nodes whose plots the budget left out: nothing to draw');
  });

  it('a node whose trace the budget left out keeps its histogram, across the whole width', () => {
    const output = makeOutput({ nodes: [{ ...makeNode('mu'), trace: { iterations: [], chains: [] } }] });
    const image = decodePng(staticImage({ kind: 'sample', output })!);
    assert.ok(countColour(image, { x: 0, y: 16, width: 320, height: 120 }, BAR) > 1000, 'bars on the left half too');
  });

  it('fits: the objective curve, rising across the panel', () => {
    const fit = gmm2dFit();
    const image = decodePng(staticImage({ kind: 'fit', output: fit })!);
    assert.deepEqual([image.width, image.height], [IMAGE_WIDTH, 16 + 240]);
    // EM's objective rises: the curve's pixels in the left tenth lie lower than those in the right tenth.
    const meanRow = (x0: number, x1: number): number => {
      let sum = 0;
      let n = 0;
      for (let y = 16; y < image.height; y++) {
        for (let x = x0; x < x1; x++) {
          if (countColour(image, { x, y, width: 1, height: 1 }, [99, 110, 250], 4) === 1) {
            sum += y;
            n++;
          }
        }
      }
      assert.ok(n > 0, `curve pixels in x ${x0}–${x1}`);
      return sum / n;
    };
    assert.ok(meanRow(50, 100) > meanRow(560, 630) + 50, 'low on the left, high on the right');
    assert.equal(staticImage({ kind: 'fit', output: { ...fit, status: 'failed', objective: { kind: 'loglik', values: [] } } }), undefined);
  });

  it('a fit converged from its first iteration: values an ulp apart draw a flat curve, at once and in little memory', () => {
    // Quick Mixture's K = 1 fit: its log-likelihood curve differed in the last bits only; the ticks, stepped by a
    // step below the values' ulp, never moved on and filled the extension host's memory until the array overflowed.
    const fit = gmm2dFit();
    const flat = [-1290.123456789, -1290.123456789 + 2.3e-13, -1290.123456789 + 2.3e-13];
    const before = process.memoryUsage().heapUsed;
    const image = decodePng(staticImage({ kind: 'fit', output: { ...fit, objective: { kind: 'loglik', values: flat }, start: undefined } })!);
    assert.ok(process.memoryUsage().heapUsed - before < 50 * 2 ** 20, 'no runaway allocation');
    assert.ok(countColour(image, { x: 60, y: 16, width: 560, height: 230 }, [99, 110, 250], 4) > 300, 'the flat curve is drawn');
    assert.ok(countColour(image, { x: 0, y: 16, width: 60, height: 230 }, [0, 0, 0], 200) > 20, 'with labelled ticks beside it');
  });

  it('ticks are whole steps inside the range, and none for a range below the resolution of doubles', () => {
    assert.deepEqual(roundTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(roundTicks(-3, 7, 2), [0, 5]);
    assert.ok(roundTicks(1130, 1130 + 1e-13, 5).length <= 60);
  });

  it('calibrations: a rank histogram per node in its band', () => {
    const counts = [20, 22, 18, 19, 21, 20, 20, 19, 21, 20];
    const node = { name: 'mu', sampler: 'conjugate normal', counts, expected: counts.map(() => 20), band: { lower: counts.map(() => 8), upper: counts.map(() => 32) }, statistic: 1, degreesOfFreedom: 9, pValue: 0.9 };
    const output: SbcOutput = { schema: 'latent.sbc/1', status: 'complete', settings: { simulations: 200, draws: 99, bins: 10, burnin: 100, thin: 1, seed: 1 }, progress: { done: 200, total: 200 }, failed: 0, nodes: [node, { ...node, name: 'tau' }, { ...node, name: 'sigma' }], messages: [], timings: { totalMs: 1 } };
    const image = decodePng(staticImage({ kind: 'calibrate', output })!);
    assert.deepEqual([image.width, image.height], [IMAGE_WIDTH, 16 + 2 * 150], 'two columns, two rows');
    for (const box of [{ x: 0, y: 16 }, { x: 320, y: 16 }, { x: 0, y: 166 }]) assert.ok(countColour(image, { ...box, width: 320, height: 150 }, BAR, 40) > 500, `bars at ${JSON.stringify(box)}`);
    assert.equal(countColour(image, { x: 320, y: 166, width: 320, height: 150 }, BAR, 40), 0, 'the fourth cell empty');
  });
});
