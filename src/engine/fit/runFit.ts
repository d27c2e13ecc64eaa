import { fitMixture } from '../em/fitMixture';
import { fitMixtureOnline, rowBlocksOf } from '../em/online';
import type { GaussianParameters, MixtureDiagnostic, MixtureOptions } from '../em/types';
import { setInitialValues } from '../inference/initialValues';
import { errorAt, ModelError, type Problem } from '../language/source';
import { compileModel } from '../model/compile';
import { FIT_OUTPUT_SCHEMA, startCurve, type FitMessage, type FitOutput } from '../output/fitOutput';
import { Random } from '../random/rng';
import type { FitRequest } from '../run/fitRequest';
import { ConvergenceMonitor } from './convergence';
import { fitGeneric } from './fitGeneric';
import { findMixturePlate, type MixturePlate } from './mixturePlate';
import { mixturePicture } from './mixturePicture';
import { fitVariational } from '../vi/runVi';
import { fitMixtureVariational } from '../vi/mixture/runMixtureVi';
import { fitMixtureStochastic } from '../vi/mixture/runMixtureSvi';
import { classifyNodes } from './roles';

export interface FitOptions {
  /** Called with the output so far, at most every `updateEveryMs`. */
  onUpdate?: (output: FitOutput) => void;
  updateEveryMs?: number;
  signal?: AbortSignal;
  /** The mixture kernel's E-step worker (dist/em-worker.js), for threads > 1. */
  emWorkerScript?: string;
  workerExecArgv?: string[];
}

/**
 * Fits a model by a member of the EM family: compiles it, splits latent
 * nodes from parameters, and either hands a recognised mixture to the
 * vectorised kernels or runs EM derived from the complete conditionals.
 * Model errors come back as a failed output whose messages have ranges.
 */
export async function runFit(request: FitRequest, options: FitOptions = {}): Promise<FitOutput> {
  const started = performance.now();
  const output = emptyOutput(request);
  let lastUpdate = 0;
  const update = (force = false): void => {
    const now = performance.now();
    if (!options.onUpdate || (!force && now - lastUpdate < (options.updateEveryMs ?? 200))) return;
    lastUpdate = now;
    output.timing = timing(started, output.iteration);
    options.onUpdate(structuredClone(output));
  };
  try {
    // A Gaussian mixture plate goes to the vectorised kernels without unrolling the model into nodes.
    // The bound picture is recorded by generic EM, whose latent units report their shares, and VI's annealing runs on
    // generic coordinate ascent: a mixture with bound = TRUE or vi(anneal = TRUE) goes there.
    const generic = request.settings.method === 'mcem' || request.settings.bound || (request.settings.method === 'vi' && request.settings.anneal);
    const plate = generic ? undefined : findMixturePlate(request.document, request.data, request.inits);
    if (request.settings.method === 'svi') {
      if (!plate) throw errorAt(request.directiveRange, 'svi works on Gaussian mixtures written as z[i] ~ dcat(w[]); x[i, ] ~ dmnorm(mu[z[i], ], Omega[, , z[i]]) with dmnorm and dwish priors in a loop over the components and w ~ ddirch; this model is not one. Use vi.');
      await fitMixtureStochastic(plate, request, output, () => options.signal?.aborted ?? false, () => update());
      output.timing = timing(started, output.iteration);
      return output;
    }
    if (plate && request.settings.method === 'vi') {
      await fitMixtureVariational(plate, request, output, { ...options, cancelled: () => options.signal?.aborted ?? false }, () => update());
      output.timing = timing(started, output.iteration);
      return output;
    }
    if (plate) {
      output.latent = [plate.latent];
      output.parameters = plate.parameterNames;
      await fitWithKernel(plate, request, output, options, update);
      output.timing = timing(started, output.iteration);
      return output;
    }
    const graph = compileModel(request.document, request.data);
    if (request.settings.method === 'vi') {
      fitVariational(graph, request, output, () => update(), () => options.signal?.aborted ?? false);
      output.timing = timing(started, output.iteration);
      return output;
    }
    const roles = classifyNodes(graph, request.document.model!.statements, request.settings.latent, request.directiveRange, request.settings.parameters);
    output.latent = [...new Set(roles.latent.map((n) => n.variable.name))];
    output.parameters = [...new Set(roles.parameters.map((n) => n.variable.name))];
    if (roles.parameters.length === 0) throw errorAt(request.directiveRange, 'Nothing to estimate: every unobserved node is latent. Name the latent variables with latent = c(...).');
    const random = new Random(request.settings.seed, 0);
    if (request.settings.init === 'given' && !request.inits) throw errorAt(request.directiveRange, "init = \"given\" needs starting values: add an 'inits' line (or --init FILE).");
    // Checks the given values against the model before any start is made.
    setInitialValues(graph, request.inits, request.initsRange);
    if (request.settings.method === 'online.em') {
      throw errorAt(request.directiveRange, 'online.em works on Gaussian mixtures written as z[i] ~ dcat(w[]); x[i, ] ~ dmnorm(mu[z[i], ], Omega[, , z[i]]) with the components in a loop; this model is not one. Use em or mcem.');
    }
    fitGeneric(graph, roles, request, output, random, options, update);
  } catch (e) {
    output.status = 'failed';
    output.messages.push(...messagesOf(e, request));
  }
  output.timing = timing(started, output.iteration);
  return output;
}

async function fitWithKernel(
  plate: MixturePlate,
  request: FitRequest,
  output: FitOutput,
  options: FitOptions,
  update: (force?: boolean) => void,
): Promise<void> {
  const { settings } = request;
  const problem = plate.problem;
  const K = problem.components;
  const D = problem.columns;
  output.engine = `Gaussian mixture kernel (K = ${K}, d = ${D}, n = ${problem.rows}; full covariances)`;
  output.objective = { kind: settings.estimator === 'map' ? 'logpost' : 'loglik', values: [], beta: [] };
  const given = settings.init === 'given' ? plate.given : undefined;
  if (settings.init === 'given' && !given) {
    throw errorAt(request.initsRange, `init = "given" needs initial values for ${plate.parameterNames.join(', ')}, with positive definite precision matrices.`);
  }
  const controller = new AbortController();
  options.signal?.addEventListener('abort', () => controller.abort());
  if (settings.method === 'online.em') {
    const outcome = await fitMixtureOnline(rowBlocksOf(problem.data, problem.rows, D), { components: K, family: { kind: 'gaussian' } }, {
      batchRows: settings.batchSize, kappa: settings.kappa, t0: settings.t0, init: given ?? 'kmeans++', seed: settings.seed,
      regCovar: settings.regCovar, signal: controller.signal,
    }, (step) => {
      output.iteration = step.step;
      output.objective.values.push(step.batchMeanLogLikelihood * problem.rows);
      update();
    });
    if (!outcome.ok) throw kernelError(outcome.diagnostics, request);
    const fit = outcome.fit;
    output.params = plate.parameters(fit.parameters as GaussianParameters);
    // Online EM runs its passes over the stream; it has no convergence test of its own.
    output.status = fit.cancelled ? 'cancelled' : 'max-iterations';
    output.converged = false;
    output.iteration = fit.steps;
    Object.assign(output, { loglik: fit.logLikelihood, loglikPerSample: fit.meanLogLikelihood, observations: fit.rows, parameterCount: fit.parameterCount, bic: fit.bic, aic: fit.aic });
    output.messages.push({ severity: 'info', message: `Online EM: ${fit.steps} minibatch steps of ${settings.batchSize ?? 1000} rows; the curve is each minibatch's log-likelihood scaled to all rows (noisy); the final log-likelihood is over all rows.` });
    addKernelDiagnostics(output, fit.diagnostics);
    return;
  }
  const mixtureOptions: MixtureOptions = {
    // The setting is the objective's distance to its limit, as in generic EM (the kernel's own `tolerance` is scikit-learn's per-row change).
    estimator: settings.estimator, regCovar: settings.regCovar, tolerance: settings.tolerance / problem.rows, distanceTolerance: settings.tolerance, maxIterations: settings.maxIterations,
    restarts: Math.max(1, settings.restarts), init: given ?? (settings.init === 'random' ? 'random' : 'kmeans++'), seed: settings.seed,
    annealing: settings.method === 'annealed.em' ? { betaStart: settings.betaStart, growth: settings.betaGrowth } : undefined,
    threads: settings.threads ?? 1, workerScript: options.emWorkerScript, workerExecArgv: options.workerExecArgv, signal: controller.signal,
  };
  const outcome = await fitMixture(problem, mixtureOptions, (report) => {
    if (report.restart === 0 || output.objective.values.length === 0) {
      output.iteration = report.iteration;
      output.objective.values.push(report.objective);
      output.objective.beta!.push(report.beta);
      update();
    }
  });
  if (!outcome.ok) throw kernelError(outcome.diagnostics, request);
  const fit = outcome.fit;
  output.params = plate.parameters(fit.parameters as GaussianParameters);
  output.status = fit.status;
  output.converged = fit.converged;
  output.iteration = fit.iterations;
  output.objective.values = Array.from(fit.objectiveCurve);
  output.objective.beta = Array.from(fit.betaCurve);
  output.convergence = kernelConvergence(output.objective.values, output.objective.beta, fit.status);
  const method = typeof mixtureOptions.init === 'string' ? (mixtureOptions.init === 'kmeans++' ? 'k-means++ on the rows' : 'random responsibilities') : 'the given initial values';
  output.start = {
    chosen: fit.keptRestart,
    starts: fit.restarts.map((r) => ({ method, objective: r.objective, status: r.converged ? 'converged' : 'not converged', iterations: r.iterations, curve: startCurve(r.curve) })),
  };
  Object.assign(output, { loglik: fit.logLikelihood, loglikPerSample: fit.meanLogLikelihood, observations: problem.rows, parameterCount: fit.parameterCount, bic: fit.bic, aic: fit.aic });
  if (fit.assignments) output.assignments = { node: plate.latent, values: Array.from(fit.assignments.subarray(0, 10_000), (k) => k + 1) };
  if (D <= 2 && fit.responsibilities) output.mixture = mixturePicture(plate, fit.parameters as GaussianParameters, fit.responsibilities);
  addKernelDiagnostics(output, fit.diagnostics);
}

/** How a kernel fit stopped, with the distance the stopping rule saw (the curve's last point is the final E-step's, after the stop). */
function kernelConvergence(values: number[], betas: number[], status: string): FitOutput['convergence'] {
  const monitor = new ConvergenceMonitor(Number.POSITIVE_INFINITY);
  values.forEach((v, i) => {
    if (betas[i] === 1 && i < values.length - 1) monitor.push(v);
  });
  const stoppedBy = status === 'converged' ? 'tolerance' : status === 'max-iterations' ? 'iteration-limit' : status === 'cancelled' ? 'cancelled' : 'error';
  return { stoppedBy, distance: monitor.distance(), limit: monitor.limit() };
}

function addKernelDiagnostics(output: FitOutput, diagnostics: MixtureDiagnostic[]): void {
  for (const d of diagnostics) output.messages.push({ severity: d.severity, message: d.message, code: d.code });
}

function kernelError(diagnostics: MixtureDiagnostic[], request: FitRequest): ModelError {
  const problems: Problem[] = diagnostics.filter((d) => d.severity === 'error').map((d) => ({ severity: 'error', message: d.message, range: request.directiveRange }));
  return new ModelError(problems.length ? problems : [{ severity: 'error', message: 'The mixture fit stopped.', range: request.directiveRange }]);
}

function timing(started: number, iterations: number): { seconds: number; secondsPerIteration: number } {
  const seconds = (performance.now() - started) / 1000;
  return { seconds, secondsPerIteration: iterations > 0 ? seconds / iterations : seconds };
}

function emptyOutput(request: FitRequest): FitOutput {
  return {
    schema: FIT_OUTPUT_SCHEMA, status: 'running', settings: request.settings, engine: '', latent: [], parameters: [], iteration: 0,
    objective: { kind: request.settings.estimator === 'map' ? 'logpost' : 'loglik', values: [] }, params: [],
    messages: request.warnings.map((w) => ({ severity: 'warning', message: w.message, range: rangeOf(w) })), timing: { seconds: 0, secondsPerIteration: 0 },
  };
}

function rangeOf(p: Problem): FitMessage['range'] {
  return { startLine: p.range.start.line + 1, startColumn: p.range.start.column + 1, endLine: p.range.end.line + 1, endColumn: p.range.end.column + 1 };
}

function messagesOf(e: unknown, request: FitRequest): FitMessage[] {
  if (e instanceof ModelError) return e.problems.map((p) => ({ severity: p.severity, message: p.message, range: rangeOf(p) }));
  const message = e instanceof Error ? e.message : String(e);
  return [{ severity: 'error', message: `The fit stopped: ${message}`, range: rangeOf({ severity: 'error', message, range: request.directiveRange }) }];
}
