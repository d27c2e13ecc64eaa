import { GLYPH_HEIGHT, textWidth } from './bitmapFont';
import type { Colour, Raster } from './raster';

export const INK: Colour = [40, 40, 40];
const GRID: Colour = [228, 228, 228];
const AXIS: Colour = [150, 150, 150];

/** Space around the plotting area for the title, tick labels and their gaps, in pixels. */
const TITLE_SPACE = GLYPH_HEIGHT + 6;
const X_LABEL_SPACE = GLYPH_HEIGHT + 6;
const Y_LABEL_SPACE = 48;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * One figure of the static image: a title, a framed plotting area with grid
 * lines at round values labelled on both axes, and maps from data to pixels.
 * The y range is padded a little so that lines at its ends stay visible.
 */
export class PlotPanel {
  private readonly area: Box;
  private readonly yLow: number;
  private readonly yHigh: number;

  constructor(
    private readonly raster: Raster,
    box: Box,
    title: string,
    private readonly xRange: readonly [number, number],
    yRange: readonly [number, number],
    options: { integerX?: boolean; yLabels?: boolean } = {},
  ) {
    const yLabels = options.yLabels ?? true;
    this.area = { x: box.x + (yLabels ? Y_LABEL_SPACE : 8), y: box.y + TITLE_SPACE, width: box.width - (yLabels ? Y_LABEL_SPACE : 8) - 8, height: box.height - TITLE_SPACE - X_LABEL_SPACE };
    const [low, high] = widened(yRange);
    const pad = (high - low) * 0.04;
    this.yLow = low - pad;
    this.yHigh = high + pad;
    raster.text(this.area.x, box.y + 2, clip(title, this.area.width), INK);
    const { x, y, width, height } = this.area;
    for (const tick of roundTicks(this.yLow, this.yHigh, Math.max(2, Math.floor(height / 28)))) {
      const py = this.py(tick);
      raster.line(x, py, x + width, py, GRID);
      if (yLabels) {
        const label = tickLabel(tick);
        raster.text(x - 4 - textWidth(label), py - 3, label, INK);
      }
    }
    const [xLow, xHigh] = widened(xRange);
    const xTicks = roundTicks(xLow, xHigh, Math.max(2, Math.floor(width / 70))).filter((t) => !options.integerX || Number.isInteger(t));
    for (const tick of xTicks) {
      const px = this.px(tick);
      raster.line(px, y + height, px, y + height + 2, AXIS);
      const label = tickLabel(tick);
      raster.text(Math.min(x + width - textWidth(label), Math.max(x, px - textWidth(label) / 2)), y + height + 5, label, INK);
    }
    raster.line(x, y, x, y + height, AXIS);
    raster.line(x, y + height, x + width, y + height, AXIS);
  }

  px(value: number): number {
    const [low, high] = widened(this.xRange);
    return this.area.x + ((value - low) / (high - low)) * this.area.width;
  }

  py(value: number): number {
    return this.area.y + this.area.height - ((value - this.yLow) / (this.yHigh - this.yLow)) * this.area.height;
  }

  /** The points (xs[i], ys[i]) joined, skipping any that are not finite. */
  polyline(xs: ArrayLike<number>, ys: ArrayLike<number>, colour: Colour, opacity = 1): void {
    let previous: [number, number] | undefined;
    for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
      if (!Number.isFinite(xs[i]!) || !Number.isFinite(ys[i]!)) {
        previous = undefined;
        continue;
      }
      const point: [number, number] = [this.clampX(this.px(xs[i]!)), this.clampY(this.py(ys[i]!))];
      if (previous) this.raster.line(previous[0], previous[1], point[0], point[1], colour, opacity, false);
      else this.raster.blend(Math.round(point[0]), Math.round(point[1]), colour, opacity);
      previous = point;
    }
  }

  /** A bar from `from` to `to` on the x axis, from 0 (or the bottom) up to `value`. */
  bar(from: number, to: number, value: number, colour: Colour, opacity = 1): void {
    this.band(from, to, Math.max(0, this.yLow), value, colour, opacity);
  }

  /** The region between `lower` and `upper` over [from, to]. */
  band(from: number, to: number, lower: number, upper: number, colour: Colour, opacity = 1): void {
    const left = this.clampX(this.px(from));
    const right = this.clampX(this.px(to));
    const top = this.clampY(this.py(upper));
    const bottom = this.clampY(this.py(lower));
    this.raster.fillRect(left, top, Math.max(1, right - left), Math.max(1, bottom - top), colour, opacity);
  }

  private clampX(px: number): number {
    return Math.min(this.area.x + this.area.width, Math.max(this.area.x, px));
  }

  private clampY(py: number): number {
    return Math.min(this.area.y + this.area.height, Math.max(this.area.y, py));
  }
}

/**
 * A range with room in it. A single value, or values that differ only in
 * their last digits (an EM objective that has converged from its first
 * iteration), become a range 10 % of their size around them: ticks a few
 * ulps apart could not be drawn or labelled.
 */
function widened([low, high]: readonly [number, number]): [number, number] {
  if (!Number.isFinite(low) || !Number.isFinite(high)) return [0, 1];
  if (high - low > 1e-9 * Math.max(Math.abs(low), Math.abs(high))) return [low, high];
  const middle = (low + high) / 2;
  const half = Math.abs(middle) * 0.05 || 0.5;
  return [middle - half, middle + half];
}

/** About `count` ticks at multiples of 1, 2 or 5 × 10^k inside [low, high]. */
export function roundTicks(low: number, high: number, count: number): number[] {
  const raw = (high - low) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  if (!(step > 0) || !Number.isFinite(step)) return ticks;
  // Counted in whole steps, not by adding the step: a step below the values' ulp would never move on.
  const first = Math.ceil(low / step);
  const last = Math.floor(high / step + 1e-9);
  if (last - first > 10 * count + 10) return ticks;
  for (let n = first; n <= last; n++) {
    const t = n * step;
    ticks.push(n === 0 ? 0 : Number(t.toPrecision(12)));
  }
  return ticks;
}

/** A tick's label, short: 1500, 0.25, 1.2e+05. */
function tickLabel(x: number): string {
  const magnitude = Math.abs(x);
  if (x === 0) return '0';
  if (magnitude >= 1e5 || magnitude < 1e-3) return x.toExponential(1).replace('.0e', 'e');
  return String(Number(x.toPrecision(4)));
}

/** `text` cut with '..' to fit `width` pixels. */
export function clip(text: string, width: number): string {
  if (textWidth(text) <= width) return text;
  let cut = text;
  while (cut.length > 0 && textWidth(`${cut}..`) > width) cut = cut.slice(0, -1);
  return `${cut}..`;
}
