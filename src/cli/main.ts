import { freshSeed } from './freshSeed';
import { join, resolve } from 'node:path';
import { runCheck } from './check';
import { COMPARE_USAGE, runCompare } from './compare';
import { DIAGNOSE_USAGE, runDiagnose } from './diagnose';
import { EM_USAGE, parseEmArguments, runEm } from './em';
import type { LauncherExports } from './jags/prestart';
import { runJags } from './jags/runJags';
import { wasInterrupted } from './terminalSink';
import { parseSampleArguments, runSample } from './sample';
import { parseSbcArguments, runSbc } from './sbc';
import { runVi, VI_USAGE } from './vi';

const USAGE = `usage: latent check MODEL [--data FILE]...
       latent sample MODEL [--data FILE]... [--inits FILE]... [--chains n] [--burnin n] [--iterations n] [--thin n] [--seed s] [--monitor a,b,...] [--loo] [--ppc] [--output-dir DIR] [--json]
       ${COMPARE_USAGE}
       latent jags SCRIPT.cmd [--seed s] [--force] [--threads n]
       ${DIAGNOSE_USAGE}
       ${EM_USAGE}
       ${VI_USAGE}
       latent sbc MODEL [--data FILE]... [--inits FILE]... [--simulations n] [--draws L] [--bins B] [--burnin n] [--thin n] [--seed s] [--json]

MODEL is a Latent document: a JAGS model block with its data and run directives.
Files its 'data from "..."' lines name are read relative to MODEL's folder.
--data and --inits read more data and initial values (R dump .R, .json, .csv),
relative to the current folder; their values replace the document's of the same name.
Flags give the settings the document's 'sample with gibbs(...)' line leaves out.
--monitor names nodes as JAGS does (theta, theta[3], Omega[1,2]); an unobserved
data entry (NA) or a deterministic node gives its posterior predictive mean and sd.
--json prints one JSON object: per monitored scalar its mean, sd and quantiles.
--loo records the log-likelihood of each observed node: PSIS-LOO, WAIC and DIC.
--ppc draws replicated data for the observed nodes: posterior predictive p-values of their mean, sd, min and max.
--output-dir DIR writes the kept draws as Stan CSV, DIR/MODEL_1.csv, ... (one per chain).

compare samples each MODEL with the log-likelihood recorded (flags as for sample) and ranks
them by elpd_loo as R's loo_compare does: elpd_diff and se_diff from the best, elpd_loo,
p_loo, looic, WAIC and DIC. --json prints one JSON object: models, best first.

SCRIPT.cmd is a JAGS script (model in, data in, compile, parameters in, initialize,
update, monitor, coda, ...). It reads files relative to its own folder and writes
CODA files (CODAindex.txt, CODAchain1.txt, ...) to the current folder.
--seed seeds the chains whose inits files give no .RNG.seed. When the script's work is
large, chains run at once in worker threads, at most --threads with this one (default: one
per core the machine's load leaves free); the draws are the same as with --threads 1 (every
chain in this thread, as JAGS runs them).

sbc runs simulation-based calibration: n times, parameters drawn from the prior and
data from the model (the data's observed values only give their shape), then L
kept draws of the model's own samplers; per node, the rank counts of the true
value in B bins and a chi-squared test of uniform ranks. Flags give the settings
the document's 'calibrate with sbc(...)' line leaves out.

em estimates the parameters by the EM family (the document's 'fit with ALGORITHM(...)'
line; em without one): point estimates, latent nodes in the E-step. MAP by default;
--mle ignores the parameters' priors (maximum likelihood). --init FILE gives starting
values (R dump, JSON) and starts from them. Flags give the settings the document's
fit line leaves out. --json prints one JSON object: loglik, loglik_per_sample,
iterations, converged, seconds, seconds_per_iteration, params (JAGS names), bic, aic
and the objective per iteration.

vi fits the model by mean-field variational inference (coordinate ascent; the document's
'fit with vi(...)' line, or none): each unobserved node gets a factor in the family of
its complete conditional. --tol is relative to the ELBO. --json prints one JSON object:
elbo, elbo_per_iteration, iterations, converged, seconds, seconds_per_iteration and
nodes (JAGS names), each with family, mean, sd, q2.5, q97.5 and the factor's parameters.`;

async function main(argv: string[]): Promise<number> {
  const [command, file, ...rest] = argv;
  const out = (text: string): boolean => process.stdout.write(`${text}\n`);
  const err = (text: string): boolean => process.stderr.write(`${text}\n`);
  const usage = (problem?: string): number => {
    err(`${problem ? `latent: ${problem}\n` : ''}${USAGE}`);
    return 2;
  };
  if (command === 'diagnose') return runDiagnose(argv.slice(1), out, err);
  if (command === 'check' && file) {
    const dataFiles: string[] = [];
    for (let k = 0; k < rest.length; k += 2) {
      if (rest[k] !== '--data' || rest[k + 1] === undefined) return usage(`bad option ${rest[k]}`);
      dataFiles.push(resolve(rest[k + 1]!));
    }
    return runCheck(file, dataFiles, out);
  }
  if (command === 'sample' && file) {
    const args = parseSampleArguments(rest);
    if (typeof args === 'string') return usage(args);
    return runSample(file, args, { folder: __dirname }, out, err);
  }
  if (command === 'compare') {
    const args = argv.slice(1);
    const files = args.slice(0, Math.max(0, args.findIndex((a) => a.startsWith('--')) === -1 ? args.length : args.findIndex((a) => a.startsWith('--'))));
    const parsed = parseSampleArguments(args.slice(files.length));
    if (typeof parsed === 'string') return usage(parsed);
    return runCompare(files, parsed, { folder: __dirname }, out, err);
  }
  if (command === 'em' && file) {
    const args = parseEmArguments(rest);
    if (typeof args === 'string') return usage(args);
    return runEm(file, args, { folder: __dirname }, out, err);
  }
  if (command === 'vi' && file) {
    const args = parseEmArguments(rest, 'vi');
    if (typeof args === 'string') return usage(args);
    return runVi(file, args, { folder: __dirname }, out, err);
  }
  if (command === 'sbc' && file) {
    const args = parseSbcArguments(rest);
    if (typeof args === 'string') return usage(args);
    return runSbc(file, args, { folder: __dirname }, out, err);
  }
  if (command === 'jags' && file) {
    let seed = freshSeed();
    let force = false;
    let threads: number | undefined;
    for (let k = 0; k < rest.length; k++) {
      if (rest[k] === '--force') {
        force = true;
        continue;
      }
      const value = Number(rest[k + 1]);
      const minimum = rest[k] === '--threads' ? 1 : 0;
      if ((rest[k] !== '--seed' && rest[k] !== '--threads') || k + 1 >= rest.length || !Number.isInteger(value) || value < minimum) return usage(`bad option ${rest.slice(k).join(' ')}`);
      if (rest[k] === '--seed') seed = value;
      else threads = value;
      k++;
    }
    // Started by the launcher (launcher.ts) for this script when it looked large enough.
    const { prestartedChains } = module.exports as LauncherExports;
    const chainThreads = { script: join(__dirname, 'sessionThread.js'), ...(threads === undefined ? {} : { threads }), ...(prestartedChains ? { prestarted: prestartedChains } : {}) };
    return runJags(file, { seed, force, chainThreads }, out, err);
  }
  return usage();
}

main(process.argv.slice(2)).then(
  // Exit once stdout has drained: process.exit cuts a long JSON object written to a pipe at 64 KB. Ctrl-C: 130 (128 + SIGINT), as shells expect.
  (code) => process.stdout.write('', () => process.exit(wasInterrupted() ? 130 : code)),
  (e: unknown) => {
    process.stderr.write(`latent: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(70);
  },
);
