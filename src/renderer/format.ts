/** Text formatting for the header and the summary table. */

import type { RunOutput, RunProgress, RunStatus } from '../engine/output/runOutput';

/** A number with 4 significant digits; exponent form for very large or small magnitudes. */
export function formatNumber(value: number): string {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    return '–';
  }
  if (!Number.isFinite(value)) {
    return value > 0 ? '∞' : '-∞';
  }
  if (value === 0) {
    return '0';
  }
  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-3) {
    const [mantissa, exponent] = value.toExponential(3).split('e') as [string, string];
    return `${trimZeros(mantissa)}e${exponent.replace('+', '')}`;
  }
  return trimZeros(value.toPrecision(4));
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** `850 ms`, `1.23 s`, `2 min 5 s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) {
    return '–';
  }
  if (ms < 1000) {
    return `${Math.round(ms)} ms`;
  }
  const seconds = ms / 1000;
  if (seconds < 60) {
    return `${seconds < 10 ? seconds.toFixed(2) : seconds.toFixed(1)} s`;
  }
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}

/** Whole percentage of the planned iterations done, 0..100. */
export function progressPercent(progress: RunProgress): number {
  const { done, total } = progress;
  if (!(total > 0) || !(done > 0)) {
    return 0;
  }
  return Math.max(0, Math.min(100, Math.floor((100 * done) / total)));
}

/** The status as shown in the header, e.g. `Running 42%`, `Complete`. */
export function statusLabel(status: RunStatus, progress: RunProgress): string {
  switch (status) {
    case 'running':
      return `Running ${progressPercent(progress)}%`;
    case 'complete':
      return 'Complete';
    case 'cancelled':
      return `Cancelled at ${progressPercent(progress)}%`;
    case 'failed':
      return 'Failed';
    default:
      return String(status);
  }
}

/** The settings part of the header: `gibbs · 4 chains · 1000 burn-in + 2000 iterations · seed 42`. */
export function settingsSummary(output: RunOutput): string[] {
  const s = output.settings;
  const parts: string[] = [s.algorithm];
  parts.push(`${s.chains} ${s.chains === 1 ? 'chain' : 'chains'}`);
  let iterations = `${s.burnin} burn-in + ${s.iterations} iterations`;
  if (s.thin > 1) {
    iterations += `, thin ${s.thin}`;
  }
  parts.push(iterations);
  parts.push(`seed ${s.seed}`);
  return parts;
}

/** The timings part of the header; empty before anything was timed. */
export function timingsSummary(output: RunOutput): string[] {
  const t = output.timings;
  const parts: string[] = [];
  if (t.compileMs > 0) {
    parts.push(`compile ${formatDuration(t.compileMs)}`);
  }
  if (t.sampleMs > 0) {
    parts.push(`sampling ${formatDuration(t.sampleMs)}`);
  }
  if (t.totalMs > 0) {
    parts.push(`total ${formatDuration(t.totalMs)}`);
  }
  return parts;
}

/**
 * Text from the data (node names, CSV column names) as plotly draws it: plotly reads a subset of
 * HTML in its strings (<a href>, <span style>, <b>, <br>) and %{…} in hover templates, so a
 * column named `<a href="…">` would become a link. Entities are drawn as the characters they
 * stand for, so the text shows as written and is never markup.
 */
export function plotlyText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/%\{/g, '%&#123;');
}
