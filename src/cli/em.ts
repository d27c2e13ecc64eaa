import { resolve } from 'node:path';
import { outputText } from '../engine/job/output';
import type { JobWorkers } from '../engine/job/startJob';
import type { FitOutput } from '../engine/output/fitOutput';
import { describeBounds, inBounds, NUMERIC_BOUNDS } from '../engine/run/fitOptions';
import type { FitDefaults, FitRequest } from '../engine/run/fitRequest';
import { runModelFile } from './runModelFile';

export const EM_USAGE = 'latent em MODEL [--data FILE]... [--init FILE]... [--mle] [--tol t] [--max-iter n] [--restarts n] [--seed s] [--threads n] [--json]';

/** `latent em`'s options, read from its arguments. */
export interface EmArguments {
  defaults: FitDefaults;
  json: boolean;
  dataFiles: string[];
  initsFiles: string[];
}

/** Flags with a number, the directive's option each stands for, and the setting it fills. */
const NUMBER_FLAGS: Record<string, { option: string; key: 'tolerance' | 'maxIterations' | 'restarts' | 'seed' | 'threads' | 'batchSize' | 'kappa' | 't0' | 'epochs' }> = {
  '--tol': { option: 'tol', key: 'tolerance' },
  '--max-iter': { option: 'max.iter', key: 'maxIterations' },
  '--restarts': { option: 'restarts', key: 'restarts' },
  '--seed': { option: 'seed', key: 'seed' },
  '--threads': { option: 'threads', key: 'threads' },
};

/** `latent vi --svi`'s flags (stochastic VI), each the svi(...) option of the same name. */
const SVI_FLAGS: typeof NUMBER_FLAGS = {
  '--batch': { option: 'batch', key: 'batchSize' },
  '--kappa': { option: 'kappa', key: 'kappa' },
  '--t0': { option: 't0', key: 't0' },
  '--epochs': { option: 'epochs', key: 'epochs' },
};

/**
 * Reads the flags after `latent em MODEL`; a string is the problem with them.
 * `--init FILE` gives starting values (R dump, JSON, CSV, as --inits does for
 * sample) and makes the fit start from them; `--mle` ignores the priors of
 * the parameters (maximum likelihood), the default being MAP.
 */
export function parseEmArguments(args: string[], command: 'em' | 'vi' = 'em'): EmArguments | string {
  const parsed: EmArguments = { defaults: command === 'vi' ? { method: 'vi' } : {}, json: false, dataFiles: [], initsFiles: [] };
  for (let k = 0; k < args.length; k++) {
    const flag = args[k]!;
    // VI has no estimator to choose.
    if (command === 'vi' && flag === '--mle') return `unknown option ${flag} for vi`;
    if (flag === '--json') {
      parsed.json = true;
      continue;
    }
    if (command === 'vi' && flag === '--svi') {
      parsed.defaults.method = 'svi';
      continue;
    }
    if (flag === '--mle') {
      parsed.defaults.estimator = 'ml';
      continue;
    }
    const number = NUMBER_FLAGS[flag] ?? (command === 'vi' ? SVI_FLAGS[flag] : undefined);
    if (flag !== '--data' && flag !== '--init' && !number) return `unknown option ${flag}`;
    const value = args[++k];
    if (value === undefined || value.startsWith('--')) return `${flag} needs a value`;
    if (flag === '--data') {
      parsed.dataFiles.push(resolve(value));
    } else if (flag === '--init') {
      parsed.initsFiles.push(resolve(value));
      parsed.defaults.init = 'given';
    } else if (number) {
      const bounds = NUMERIC_BOUNDS.get(number.option)!;
      const x = value.trim() === '' ? Number.NaN : Number(value);
      if (!inBounds(x, bounds)) return `${flag} takes ${describeBounds(bounds)}, not ${value}`;
      parsed.defaults[number.key] = x;
    }
  }
  return parsed;
}

/**
 * `latent em --json`: one object with the fit's outcome, its log-likelihood
 * (total and per observation), iterations, convergence, timing, each point
 * estimate under its JAGS name (`mu[2,1]`) and its standard error (`se`), BIC, AIC and the objective per
 * iteration, with the settings and messages.
 */
export function emJson(output: FitOutput): object {
  return {
    status: output.status,
    loglik: output.loglik ?? null,
    loglik_per_sample: output.loglikPerSample ?? null,
    iterations: output.iteration,
    converged: output.converged ?? false,
    seconds: output.timing.seconds,
    seconds_per_iteration: output.timing.secondsPerIteration,
    params: Object.fromEntries(output.params.map((p) => [p.name, p.value])),
    // Standard errors by the same names, where the fit gave them, and what they are (observed information or posterior curvature).
    ...(output.standardErrors ? { se: Object.fromEntries(output.params.filter((p) => p.se !== undefined).map((p) => [p.name, p.se])), se_kind: output.standardErrors } : {}),
    bic: output.bic ?? null,
    aic: output.aic ?? null,
    n: output.observations ?? null,
    parameter_count: output.parameterCount ?? null,
    objective: output.objective.values,
    objective_kind: output.objective.kind,
    ...(output.objective.error !== undefined ? { objective_error: output.objective.error } : {}),
    ...(output.convergence ? { convergence: { stopped_by: output.convergence.stoppedBy, distance: finiteOrNull(output.convergence.distance), limit: finiteOrNull(output.convergence.limit) } } : {}),
    ...(output.start ? { starts: output.start.starts, kept_start: output.start.chosen + 1 } : {}),
    diagnostics: output.diagnostics ?? [],
    ...(output.latentSummaries ? { latent_summaries: output.latentSummaries } : {}),
    settings: output.settings,
    engine: output.engine,
    latent: output.latent,
    parameters: output.parameters,
    ...(output.assignments ? { assignments: output.assignments } : {}),
    messages: output.messages,
  };
}

/** JSON has no ∞ or NaN: an unknown distance is null. */
const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * Runs `latent em MODEL ...`: prints the fit's table, or with --json one JSON
 * object (emJson). Returns the exit code: 1 when the model or the fit fails,
 * 2 when the model file cannot be read.
 */
export async function runEm(file: string, args: EmArguments, workers: JobWorkers, out: (text: string) => void, err: (text: string) => void): Promise<number> {
  return runFitCommand(file, args, workers, out, err, emJson);
}

/**
 * A fit command (`latent em`, `latent vi`) through the one job path: prints
 * the fit's table or `toJson`'s object; `refuse` may turn the request down
 * with a message. Exit codes as runModelFile's.
 */
export async function runFitCommand(
  file: string,
  args: EmArguments,
  workers: JobWorkers,
  out: (text: string) => void,
  err: (text: string) => void,
  toJson: (output: FitOutput) => object,
  refuse?: (request: FitRequest) => string | undefined,
): Promise<number> {
  return runModelFile(
    file,
    {
      kind: 'fit',
      choices: { fit: args.defaults },
      dataFiles: args.dataFiles,
      initsFiles: args.initsFiles,
      format: (o) => (args.json && o.kind === 'fit' ? JSON.stringify(toJson(o.output)) : outputText(o)),
      refuse: refuse && ((job) => (job.kind === 'fit' ? refuse(job.request) : undefined)),
    },
    workers, out, err,
  );
}
