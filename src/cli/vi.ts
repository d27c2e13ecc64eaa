import type { JobWorkers } from '../engine/job/startJob';
import type { FitOutput } from '../engine/output/fitOutput';
import { runFitCommand, type EmArguments } from './em';

export const VI_USAGE = 'latent vi MODEL [--data FILE]... [--init FILE]... [--tol t] [--max-iter n] [--restarts n] [--seed s] [--json]';

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
  return {
    schema: VI_JSON_SCHEMA,
    status: output.status,
    elbo: v?.elbo ?? null,
    elbo_per_iteration: output.objective.values,
    iterations: output.iteration,
    converged: output.converged ?? false,
    seconds: output.timing.seconds,
    seconds_per_iteration: output.timing.secondsPerIteration,
    nodes: Object.fromEntries((v?.nodes ?? []).map((n) => [n.name, { family: n.family, mean: n.mean, sd: n.sd, 'q2.5': n.lower, 'q97.5': n.upper, ...n.parameters }])),
    restarts: v ? { best: v.bestRestart + 1, elbo: v.restartElbos } : null,
    ...(output.start ? { starts: output.start.starts, kept_start: output.start.chosen + 1 } : {}),
    contributions: v?.contributions ?? [],
    settings: output.settings,
    engine: output.engine,
    messages: output.messages,
  };
}

/** Runs `latent vi MODEL ...`: the table, or with --json one object (viJson). Exit 1 when the model or the fit fails, 2 when the file cannot be read. */
export async function runVi(file: string, args: EmArguments, workers: JobWorkers, out: (text: string) => void, err: (text: string) => void): Promise<number> {
  return runFitCommand(file, args, workers, out, err, viJson, (request) =>
    request.settings.method === 'vi' ? undefined : `the document's fit line asks for ${request.settings.method}; latent vi runs 'fit with vi(...)' (or a document without a fit line).`);
}
