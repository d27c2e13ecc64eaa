import { fitMixture } from '../em/fitMixture';
import { fitMixtureOnline, rowBlocksOf } from '../em/online';
import type { GaussianParameters, MixtureDiagnostic, MixtureOptions } from '../em/types';
import { setInitialValues } from '../inference/initialValues';
import { errorAt, ModelError, type Problem } from '../language/source';
import { compileModel, refreshDeterministic } from '../model/compile';
import { elementName, type ModelGraph, type StochasticNode } from '../model/graph';
import { FIT_OUTPUT_SCHEMA, type FitMessage, type FitOutput, type FitParameter, type MixturePicture } from '../output/fitOutput';
import { Random } from '../random/rng';
import type { FitRequest } from '../run/fitRequest';
import { ParameterError, runGenericEm, type EmIteration } from './genericEm';
import { findMixturePlate, type MixturePlate } from './mixturePlate';
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
    const plate = request.settings.method === 'mcem' ? undefined : findMixturePlate(request.document, request.data, request.inits);
    if (plate) {
      output.latent = [plate.latent];
      output.parameters = plate.parameterNames;
      await fitWithKernel(plate, request, output, options, update);
      output.timing = timing(started, output.iteration);
      return output;
    }
    const graph = compileModel(request.document, request.data);
    const roles = classifyNodes(graph, request.document.model!.statements, request.settings.latent, request.directiveRange);
    output.latent = [...new Set(roles.latent.map((n) => n.variable.name))];
    output.parameters = [...new Set(roles.parameters.map((n) => n.variable.name))];
    if (roles.parameters.length === 0) throw errorAt(request.directiveRange, 'Nothing to estimate: every unobserved node is latent. Name the latent variables with latent = c(...).');
    const random = new Random(request.settings.seed, 0);
    if (request.settings.init === 'given' && !request.inits) throw errorAt(request.directiveRange, "init = \"given\" needs starting values: add an 'inits' line (or --init FILE).");
    setInitialValues(graph, request.inits, request.initsRange, request.settings.init === 'random' ? random : undefined);
    if (request.settings.method === 'online.em') {
      throw errorAt(request.directiveRange, 'online.em works on Gaussian mixtures written as z[i] ~ dcat(w[]); x[i, ] ~ dmnorm(mu[z[i], ], Omega[, , z[i]]) with the components in a loop; this model is not one. Use em or mcem.');
    }
    fitGeneric(graph, roles, request, output, random, options, update);
    output.params = parameterValues(roles.parameters);
  } catch (e) {
    output.status = 'failed';
    output.messages.push(...messagesOf(e, request));
  }
  output.timing = timing(started, output.iteration);
  return output;
}

function fitGeneric(
  graph: ModelGraph,
  roles: ReturnType<typeof classifyNodes>,
  request: FitRequest,
  output: FitOutput,
  random: Random,
  options: FitOptions,
  update: (force?: boolean) => void,
): void {
  const { settings } = request;
  output.objective = { kind: settings.estimator === 'map' ? 'logpost' : 'loglik', values: [], beta: [] };
  let best: { value: number; values: Map<StochasticNode, Float64Array>; outcome: ReturnType<typeof runGenericEm> } | undefined;
  for (let restart = 0; restart < Math.max(1, settings.restarts); restart++) {
    if (restart > 0) setInitialValues(graph, request.inits, request.initsRange, random);
    const curve: number[] = [];
    const betas: number[] = [];
    let outcome;
    try {
      outcome = runGenericEm(graph, roles, settings, random, (report: EmIteration) => {
        curve.push(report.objective);
        betas.push(report.beta);
        if (!best) {
          output.iteration = report.iteration;
          output.objective.values = curve;
          output.objective.beta = betas;
          output.loglik = report.logLikelihood;
          output.params = parameterValues(roles.parameters);
          update();
        }
      }, () => options.signal?.aborted ?? false);
    } catch (e) {
      if (e instanceof ParameterError) throw errorAt(e.node.statement.range, e.message);
      throw e;
    }
    if (!best || outcome.objectiveValue > best.value) {
      best = { value: outcome.objectiveValue, values: snapshot(roles.parameters), outcome };
      output.objective.values = curve;
      output.objective.beta = betas;
    }
    if (outcome.status === 'cancelled') break;
  }
  restore(graph, best!.values);
  const outcome = best!.outcome;
  output.engine = outcome.engine;
  output.status = outcome.status;
  output.converged = outcome.status === 'converged';
  output.iteration = outcome.iterations;
  output.observations = outcome.observations;
  output.loglik = outcome.logLikelihood;
  output.loglikPerSample = outcome.logLikelihood / outcome.observations;
  output.parameterCount = freeParameterCount(roles.parameters);
  if (outcome.exact) {
    output.bic = output.parameterCount * Math.log(outcome.observations) - 2 * outcome.logLikelihood;
    output.aic = 2 * output.parameterCount - 2 * outcome.logLikelihood;
  } else {
    output.messages.push({ severity: 'info', message: 'Monte-Carlo EM: the objective shown is the complete-data log-likelihood averaged over the E-step draws (an estimate; it need not rise at every iteration). BIC and AIC need the observed-data log-likelihood and are not given.' });
  }
  for (const message of outcome.messages) output.messages.push({ severity: /decreased|stopped/.test(message) ? 'warning' : 'info', message });
  const finite = roles.latent.filter((n) => n.distribution.name === 'dcat');
  if (finite.length) output.assignments = { node: finite[0]!.variable.name, values: finite.slice(0, 10_000).map((n) => n.variable.values[n.offset]!) };
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
    estimator: settings.estimator, regCovar: settings.regCovar, tolerance: settings.tolerance, maxIterations: settings.maxIterations,
    restarts: settings.restarts, init: given ?? (settings.init === 'random' ? 'random' : 'kmeans++'), seed: settings.seed,
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
  Object.assign(output, { loglik: fit.logLikelihood, loglikPerSample: fit.meanLogLikelihood, observations: problem.rows, parameterCount: fit.parameterCount, bic: fit.bic, aic: fit.aic });
  if (fit.assignments) output.assignments = { node: plate.latent, values: Array.from(fit.assignments.subarray(0, 10_000), (k) => k + 1) };
  if (D <= 2 && fit.responsibilities) output.mixture = mixturePicture(plate, fit.parameters as GaussianParameters, fit.responsibilities);
  addKernelDiagnostics(output, fit.diagnostics);
}

function mixturePicture(plate: MixturePlate, parameters: GaussianParameters, responsibilities: Float64Array): MixturePicture {
  const { data, rows, columns: D, components: K } = plate.problem;
  const step = Math.max(1, Math.ceil(rows / 5000));
  const points: number[][] = [];
  const shares: number[][] = [];
  for (let i = 0; i < rows; i += step) {
    points.push(Array.from(data.subarray(i * D, (i + 1) * D)));
    shares.push(Array.from(responsibilities.subarray(i * K, (i + 1) * K)));
  }
  const columns = plate.columns;
  const components = Array.from({ length: K }, (_, k) => ({
    weight: parameters.weights[k]!,
    mean: Array.from(parameters.means.subarray(k * D, (k + 1) * D)),
    covariance: Array.from({ length: D }, (_, a) => Array.from(parameters.covariances.subarray(k * D * D + a * D, k * D * D + (a + 1) * D))),
  }));
  return { columns, points, responsibilities: shares, components };
}

function addKernelDiagnostics(output: FitOutput, diagnostics: MixtureDiagnostic[]): void {
  for (const d of diagnostics) output.messages.push({ severity: d.severity, message: d.message, code: d.code });
}

function kernelError(diagnostics: MixtureDiagnostic[], request: FitRequest): ModelError {
  const problems: Problem[] = diagnostics.filter((d) => d.severity === 'error').map((d) => ({ severity: 'error', message: d.message, range: request.directiveRange }));
  return new ModelError(problems.length ? problems : [{ severity: 'error', message: 'The mixture fit stopped.', range: request.directiveRange }]);
}

function snapshot(nodes: StochasticNode[]): Map<StochasticNode, Float64Array> {
  return new Map(nodes.map((n) => [n, Float64Array.from(n.offsets, (o) => n.variable.values[o]!)]));
}

function restore(graph: ModelGraph, values: Map<StochasticNode, Float64Array>): void {
  for (const [node, v] of values) node.offsets.forEach((o, k) => (node.variable.values[o] = v[k]!));
  refreshDeterministic(graph);
}

function parameterValues(nodes: StochasticNode[]): FitParameter[] {
  return nodes.flatMap((n) => Array.from(n.offsets, (o) => ({ name: elementName(n.variable, o), value: n.variable.values[o]! })));
}

/** Free scalars: a Dirichlet loses one to the sum constraint, a symmetric matrix counts its upper triangle. */
function freeParameterCount(nodes: StochasticNode[]): number {
  let count = 0;
  for (const n of nodes) {
    if (n.distribution.name === 'ddirch') count += n.side - 1;
    else if (n.distribution.name === 'dwish') count += (n.side * (n.side + 1)) / 2;
    else count += n.offsets.length;
  }
  return count;
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
