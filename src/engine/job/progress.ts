import type { JobOutput } from './output';

/** A running job in words, for a progress notification and the status bar. */
export interface JobProgress {
  /** 0 to 100; undefined while nothing is counted yet. */
  percent: number | undefined;
  /** `sampling · 42% · 1,250 it/s · about 8 s left`, or the phase before the first count. */
  message: string;
}

/**
 * Describes a job's latest output: the phase it is in, the share done, its
 * speed and the time left at that speed. A fit's share is of its iteration
 * limit (it usually converges before).
 */
export function describeProgress(o: JobOutput): JobProgress {
  switch (o.kind) {
    case 'sample': {
      const { done, total } = o.output.progress;
      if (done === 0) return { percent: undefined, message: o.output.phase ?? 'reading the data and compiling the model' };
      return counted('sampling', done, total, o.output.timings.sampleMs / 1000, 'it/s');
    }
    case 'fit': {
      const { iteration, settings, timing } = o.output;
      if (iteration === 0) return { percent: undefined, message: 'reading the data and preparing the E- and M-steps' };
      const limit = settings.maxIterations * Math.max(1, settings.restarts);
      return counted(`${settings.method} iteration ${iteration}`, iteration, limit, timing.seconds, 'it/s');
    }
    case 'calibrate': {
      const { done, total } = o.output.progress;
      if (done === 0) return { percent: undefined, message: 'simulating data and compiling the model' };
      return counted(`simulation ${done} of ${total}`, done, total, o.output.timings.totalMs / 1000, 'simulations/s');
    }
  }
}

function counted(phase: string, done: number, total: number, seconds: number, unit: string): JobProgress {
  const percent = total > 0 ? Math.min(100, (100 * done) / total) : undefined;
  const parts = [phase];
  if (percent !== undefined) parts.push(`${Math.floor(percent)}%`);
  if (seconds > 0) {
    const rate = done / seconds;
    parts.push(`${formatRate(rate)} ${unit}`);
    if (rate > 0 && done < total) parts.push(`about ${formatDuration((total - done) / rate)} left`);
  }
  return { percent, message: parts.join(' · ') };
}

function formatRate(rate: number): string {
  return rate >= 100 ? Math.round(rate).toLocaleString('en-US') : rate.toPrecision(2);
}

/** `8 s`, `3 min 20 s`, `1 h 5 min`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  return `${Math.floor(s / 3600)} h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)} min` : ''}`;
}
