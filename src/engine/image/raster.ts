import { GLYPH_ADVANCE, GLYPH_HEIGHT, GLYPH_WIDTH, glyphDrop, glyphRows } from './bitmapFont';

/** An sRGB colour, each channel 0–255. */
export type Colour = readonly [number, number, number];

/**
 * An RGB picture in memory, drawn on by the static image's panels: filled
 * rectangles, lines (blended, so that overlapping chains stay visible) and
 * text in the bitmap font. Everything outside the picture is clipped.
 */
export class Raster {
  readonly pixels: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Colour,
  ) {
    this.pixels = new Uint8Array(width * height * 3);
    this.fillRect(0, 0, width, height, background);
  }

  /** The colour at (x, y), for tests and checks. */
  pixel(x: number, y: number): Colour {
    const at = (y * this.width + x) * 3;
    return [this.pixels[at]!, this.pixels[at + 1]!, this.pixels[at + 2]!];
  }

  /** Paints (x, y) with `colour` at `opacity` (1: opaque) over what is there. */
  blend(x: number, y: number, colour: Colour, opacity = 1): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const at = (y * this.width + x) * 3;
    for (let c = 0; c < 3; c++) this.pixels[at + c] = Math.round(this.pixels[at + c]! * (1 - opacity) + colour[c]! * opacity);
  }

  fillRect(x: number, y: number, width: number, height: number, colour: Colour, opacity = 1): void {
    const x0 = Math.max(0, Math.round(x));
    const y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(this.width, Math.round(x + width));
    const y1 = Math.min(this.height, Math.round(y + height));
    for (let py = y0; py < y1; py++) for (let px = x0; px < x1; px++) this.blend(px, py, colour, opacity);
  }

  /**
   * A one-pixel line from (x0, y0) to (x1, y1) (Bresenham's, on rounded ends).
   * `fromStart` false leaves out its first pixel: a polyline's joined segments
   * then blend each pixel once, so that a line has an even tone.
   */
  line(x0: number, y0: number, x1: number, y1: number, colour: Colour, opacity = 1, fromStart = true): void {
    let x = Math.round(x0);
    let y = Math.round(y0);
    const xEnd = Math.round(x1);
    const yEnd = Math.round(y1);
    const dx = Math.abs(xEnd - x);
    const dy = -Math.abs(yEnd - y);
    const sx = x < xEnd ? 1 : -1;
    const sy = y < yEnd ? 1 : -1;
    let error = dx + dy;
    for (let first = true; ; first = false) {
      if (fromStart || !first) this.blend(x, y, colour, opacity);
      if (x === xEnd && y === yEnd) return;
      const twice = 2 * error;
      if (twice >= dy) {
        error += dy;
        x += sx;
      }
      if (twice <= dx) {
        error += dx;
        y += sy;
      }
    }
  }

  /** `text` with its top-left corner at (x, y). */
  text(x: number, y: number, text: string, colour: Colour): void {
    const left = Math.round(x);
    const top = Math.round(y);
    [...text].forEach((character, k) => {
      const rows = glyphRows(character);
      const drop = glyphDrop(character);
      for (let row = 0; row < GLYPH_HEIGHT; row++) {
        for (let column = 0; column < GLYPH_WIDTH; column++) {
          if (rows[row]! & (1 << (GLYPH_WIDTH - 1 - column))) this.blend(left + k * GLYPH_ADVANCE + column, top + drop + row, colour);
        }
      }
    });
  }
}
