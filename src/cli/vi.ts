import type { JobWorkers } from '../engine/job/startJob';
import type { FitOutput } from '../engine/output/fitOutput';
import { runFitCommand, type EmArguments } from './em';

export const VI_USAGE = 'latent vi MODEL [--data FILE]... [--init FILE]... [--tol t] [--max-iter n] [--restarts n] [--seed s] [--threads n] [--svi [--batch n] [--kappa k] [--t0 t] [--epochs n]] [--json]';

/** The version of `latent vi --json`'s object (docs/output-schema.md, "Variational fits"). */
export const VI_JSON_SCHEMA = 'latent.vi/1';

/**
 * `latent vi --json`: one object with the bound (final and per iteration),
 * iterations, convergence, timing, and per scalar element (its JAGS name)
 * the variational marginal: family, mean, sd, 2.5 % and 97.5 % quantiles and
 * the factor's parameters.
 */
export function viJson(output: FitOutput): object {
  const v = output.variational;
  const steps = output.objective.steps;
  return {
    schema: VI_JSON_SCHEMA,
    status: output.status,
    elbo: v?.elbo ?? null,
    method: output.settings.method,
    // SVI: the bound is evaluated at intervals, per row; here in total, at the minibatch steps `svi.steps`.
    elbo_per_iteration: steps ? output.objective.values.map((v) => v * (output.observations ?? 1)) : output.objective.values,
    ...(steps ? { svi: { steps, elbo_per_row: output.objective.values, batch: output.settings.batchSize, kappa: output.settings.kappa, t0: output.settings.t0, epochs: output.settings.epochs } } : {}),
    iterations: output.iteration,
    converged: output.converged ?? false,
    seconds: output.timing.seconds,
    seconds_per_iteration: output.timing.secondsPerIteration,
    nodes: Object.fromEntries((v?.nodes ?? []).map((n) => [n.name, { family: n.family, mean: n.mean, sd: n.sd, 'q2.5': n.lower, 'q97.5': n.upper, ...n.parameters }])),
    restarts: v ? { best: v.bestRestart + 1, elbo: v.restartElbos } : null,
    // Each mixture's components holding at least one expected row; emptied ones are VI's answer for surplus components.
    ...(v?.effectiveComponents ? { effective_components: v.effectiveComponents.map((e) => ({ variable: e.variable, of: e.components, effective: e.effective, emptied: e.emptied, expected_rows: e.expectedRows })) } : {}),
    ...(output.diagnostics?.length ? { diagnostics: output.diagnostics } : {}),
    ...(output.start ? { starts: output.start.starts, kept_start: output.start.chosen + 1 } : {}),
    contributions: v?.contributions ?? [],
    settings: output.settings,
    engine: output.engine,
    messages: output.messages,
  };
}

/** Runs `latent vi MODEL ...`: the table, or with --json one object (viJson). Exit 1 when the model or the fit fails, 2 when the file cannot be read. */
export async function runVi(file: string, args: EmArguments, workers: JobWorkers, out: (text: string) => void, err: (text: string) => void): Promise<number> {
  return runFitCommand(file, args, workers, out, err, viJson, (request) => {
    const { method } = request.settings;
    if (args.defaults.method === 'svi' && method !== 'svi') return `--svi runs stochastic VI, but the document's fit line asks for ${method}: write 'fit with svi(...)' or leave the fit line out.`;
    return method === 'vi' || method === 'svi' ? undefined : `the document's fit line asks for ${method}; latent vi runs 'fit with vi(...)' or 'fit with svi(...)' (or a document without a fit line).`;
  });
}
