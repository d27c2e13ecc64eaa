import type { FitOutput, FitStatus } from './fitOutput';
import { formatVariationalTable } from './variationalTable';

/**
 * The `text/plain` form of an EM-family fit: what was fitted and how it
 * ended, messages, the point estimates, and the fit's log-likelihood (total
 * and per observation), BIC, AIC, iterations and convergence. The CLI prints
 * it; the notebook shows it where the Latent renderer is not installed.
 * Log-likelihoods keep enough digits to compare with another program's to 1e-6.
 */
export function formatFitTable(output: FitOutput): string {
  if (output.settings.method === 'vi' || output.settings.method === 'svi') return formatVariationalTable(output);
  const { settings } = output;
  const estimator = settings.estimator === 'ml' ? 'maximum likelihood' : 'maximum a posteriori';
  const restarts = startsText(output);
  const timing = output.timing.seconds > 0 ? `; ${output.timing.seconds.toFixed(2)} s (${formatMs(output.timing.secondsPerIteration)} per iteration)` : '';
  const lines = [
    `Latent ${settings.method} fit (${estimator}): ${statusText(output.status, output.iteration, settings.maxIterations, output.objective.steps !== undefined)}; seed ${settings.seed}, ${restarts}, tol ${formatEstimate(settings.tolerance)}${timing}`,
  ];
  const roles = [output.engine && `engine: ${output.engine}`, output.latent.length && `latent: ${output.latent.join(', ')}`, output.parameters.length && `parameters: ${output.parameters.join(', ')}`];
  const described = roles.filter((r): r is string => typeof r === 'string');
  if (described.length) lines.push(described.join('; '));
  // Fit messages count lines and columns from 1 (fitOutput.ts).
  for (const m of output.messages) lines.push(`${m.severity}: ${m.message}${m.range ? ` (line ${m.range.startLine}, column ${m.range.startColumn})` : ''}`);

  if (output.params.length) {
    const width = Math.max('parameter'.length, ...output.params.map((p) => p.name.length));
    const values = output.params.map((p) => formatEstimate(p.value));
    const valueWidth = Math.max('estimate'.length, ...values.map((v) => v.length));
    const withSe = output.params.some((p) => p.se !== undefined);
    const errors = output.params.map((p) => (p.se === undefined ? '' : formatEstimate(p.se)));
    const seWidth = Math.max('SE'.length, ...errors.map((v) => v.length));
    const se = (text: string): string => (withSe ? `  ${text.padStart(seWidth)}` : '');
    lines.push('', `${'parameter'.padEnd(width)}  ${'estimate'.padStart(valueWidth)}${se('SE')}`);
    output.params.forEach((p, k) => lines.push(`${p.name.padEnd(width)}  ${values[k]!.padStart(valueWidth)}${se(errors[k]!)}`));
    if (withSe) lines.push(standardErrorNote(output.standardErrors));
  }

  const summary = fitSummaryRows(output);
  if (summary.length) {
    const width = Math.max(...summary.map(([label]) => label.length));
    lines.push('', ...summary.map(([label, value]) => `${label.padEnd(width)}  ${value}`));
  }
  return lines.join('\n');
}

/** The fit's figures as label/value rows (the renderer shows the same rows). */
export function fitSummaryRows(output: FitOutput): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  const final = output.objective.values.at(-1);
  if (output.loglik !== undefined) rows.push(['log-likelihood', formatLogLik(output.loglik, 4)]);
  if (output.loglikPerSample !== undefined) rows.push(['per observation', `${formatLogLik(output.loglikPerSample, 6)}${output.observations !== undefined ? `  (n = ${output.observations})` : ''}`]);
  if (output.objective.kind === 'logpost' && final !== undefined) rows.push(['log posterior', formatLogLik(final, 4)]);
  if ((output.objective.kind === 'mc-loglik' || output.objective.kind === 'mc-logpost') && final !== undefined) {
    const error = output.objective.error !== undefined && Number.isFinite(output.objective.error) ? ` ± ${output.objective.error.toPrecision(2)}` : '';
    rows.push([`${objectiveName(output.objective.kind)}`, `${formatLogLik(final, 4)}${error}`]);
  }
  if (output.objective.kind === 'elbo' && final !== undefined) {
    if (output.objective.steps && output.variational) rows.push(['ELBO', formatLogLik(output.variational.elbo, 4)], ['ELBO per row', formatLogLik(final, 6)]);
    else rows.push(['ELBO', formatLogLik(final, 6)]);
  }
  if (output.bic !== undefined) rows.push(['BIC', `${formatLogLik(output.bic, 4)}${output.parameterCount !== undefined ? `  (${output.parameterCount} free parameters)` : ''}`]);
  if (output.aic !== undefined) rows.push(['AIC', formatLogLik(output.aic, 4)]);
  rows.push(['iterations', String(output.iteration)]);
  if (output.converged !== undefined) rows.push(['converged', output.converged ? 'yes' : 'no']);
  const c = output.convergence;
  if (c) rows.push(['stopped', stoppedText(c)]);
  for (const d of output.diagnostics ?? []) rows.push(['diagnostic', d.kind]);
  // Latent globals are not point estimates: their posterior given the fitted parameters.
  for (const l of (output.latentSummaries ?? []).slice(0, 50)) rows.push([`${l.name} (latent)`, `mean ${formatEstimate(l.mean)}, sd ${formatEstimate(l.sd)}`]);
  return rows;
}

function stoppedText(c: NonNullable<FitOutput['convergence']>): string {
  if (c.stoppedBy === 'iteration-limit') return 'at the iteration limit';
  if (c.stoppedBy !== 'tolerance') return c.stoppedBy;
  // Monte-Carlo EM has no distance to the limit: its rule is on the parameters' changes.
  return Number.isFinite(c.distance) ? `by the tolerance, estimated distance ${c.distance.toExponential(1)}` : 'by the tolerance: the parameters settled within their Monte-Carlo noise';
}

/** The name of the objective a fit climbs, one per fit. */
export function objectiveName(kind: FitOutput['objective']['kind']): string {
  switch (kind) {
    case 'loglik': return 'log-likelihood';
    case 'logpost': return 'log posterior';
    case 'mc-loglik': return 'complete-data log-likelihood (Monte-Carlo estimate)';
    case 'mc-logpost': return 'complete-data log posterior (Monte-Carlo estimate)';
    case 'elbo': return 'ELBO';
  }
}

/** `4 starts, kept 2 (k-means++ on the rows of x (for z), then an M-step)`, or the setting while none has run. */
export function startsText(output: FitOutput): string {
  const start = output.start;
  if (!start || start.starts.length === 0) {
    const n = output.settings.restarts;
    return n > 0 ? `${n} ${n === 1 ? 'start' : 'starts'}, init ${output.settings.init}` : `init ${output.settings.init}`;
  }
  const chosen = start.starts[start.chosen]!;
  return start.starts.length === 1 ? `start: ${chosen.method}` : `${start.starts.length} starts, kept ${start.chosen + 1} (${chosen.method})`;
}

/** How the fit stands, e.g. `converged after 23 iterations`. */
export function statusText(status: FitStatus, iteration: number, maxIterations: number, stochastic = false): string {
  const iterations = `${iteration} ${iteration === 1 ? 'iteration' : 'iterations'}`;
  // Stochastic VI has no stopping test: it ends with its passes over the rows.
  if (stochastic && status === 'max-iterations') return `finished its passes: ${iteration} minibatch steps (stochastic VI has no convergence test)`;
  switch (status) {
    case 'running':
      return `running, ${iterations} so far`;
    case 'converged':
      return `converged after ${iterations}`;
    case 'max-iterations':
      return `not converged: stopped at max.iter (${maxIterations})`;
    case 'cancelled':
      return `cancelled after ${iterations}`;
    case 'stopped':
      return `stopped after ${iterations} (see the messages)`;
    case 'degenerate':
      return `degenerate answer after ${iterations} (not converged: see the diagnostics)`;
    case 'failed':
      return 'failed';
    default:
      return String(status);
  }
}

/** A log-likelihood, BIC or AIC with a fixed number of decimals (exponent form past 1e9). */
export function formatLogLik(x: number, decimals: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 1e9 ? x.toExponential(8) : x.toFixed(decimals);
}

/** A point estimate with 6 significant digits; exponent form for very large or small magnitudes. */
export function formatEstimate(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const magnitude = Math.abs(x);
  const text = magnitude >= 1e6 || magnitude < 1e-4 ? x.toExponential(5) : x.toPrecision(6);
  // 0.100000 → 0.1, 1.50000e-5 → 1.5e-5: the digits that carry information (100000 keeps its zeros).
  const [mantissa, exponent] = text.split('e') as [string, string | undefined];
  const trimmed = mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa;
  return exponent === undefined ? trimmed : `${trimmed}e${exponent}`;
}

function formatMs(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  return seconds >= 1 ? `${seconds.toFixed(2)} s` : `${(seconds * 1000).toPrecision(3)} ms`;
}

/** What the SE column is, under the table. */
export function standardErrorNote(kind: FitOutput['standardErrors']): string {
  return kind === 'posterior-curvature'
    ? 'SE: the log posterior\'s curvature at the mode (a Laplace approximation\'s sd), latent nodes integrated out'
    : 'SE: √ of the inverse observed information (the observed-data log-likelihood\'s curvature at the estimate)';
}
