// The parts of showing a fit that need no editor (so that they run, and
// are tested, in plain Node): the output before the first update, and the
// conversion of message ranges between the fit's 1-based lines and columns
// and the 0-based ones of run messages and of the cell mapping.
import { FIT_OUTPUT_SCHEMA, type FitMessage, type FitOutput, type FitSettings } from '../output/fitOutput';
import type { RunMessage } from '../output/runOutput';

/** What the output shows before the first update: the settings, nothing fitted yet. */
export function initialOutput(settings: FitSettings): FitOutput {
  return {
    schema: FIT_OUTPUT_SCHEMA,
    status: 'running',
    settings,
    engine: '',
    latent: [],
    parameters: [],
    iteration: 0,
    objective: { kind: settings.estimator === 'map' ? 'logpost' : 'loglik', values: [] },
    params: [],
    messages: [],
    timing: { seconds: 0, secondsPerIteration: 0 },
  };
}

/** Fit messages count lines and columns from 1, run messages (and the cell mapping) from 0. */
export function toRunMessage(m: FitMessage): RunMessage {
  if (!m.range) return { severity: m.severity, message: m.message };
  const r = m.range;
  return { severity: m.severity, message: m.message, range: { startLine: r.startLine - 1, startColumn: r.startColumn - 1, endLine: r.endLine - 1, endColumn: r.endColumn - 1 } };
}

export function fromRunMessage(m: RunMessage): FitMessage {
  if (!m.range) return { severity: m.severity, message: m.message };
  const r = m.range;
  return { severity: m.severity, message: m.message, range: { startLine: r.startLine + 1, startColumn: r.startColumn + 1, endLine: r.endLine + 1, endColumn: r.endColumn + 1 } };
}
