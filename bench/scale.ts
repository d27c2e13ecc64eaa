/**
 * Probit regression by augmentation at data size, side by side with JAGS
 * (issue 10): setup and sampling times of one chain, A B A B.
 *
 *   npm run bench:scale                                   # 200,000 rows, 1,000 iterations, 2 rounds
 *   node dist/bench/scale.js [--rows 200000] [--iterations 1000] [--rounds 2] [--no-jags] [--no-em] [--dir DIR] [--phases]
 *
 * The data come from scripts/probitData.ts (seeded, 3 coefficients), written
 * once into DIR (a temporary folder by default): probit.latent for the engine,
 * probit.bug with probit.cmd and setup.cmd for JAGS. Each round runs, in
 * fresh processes, the engine (`--latent DIR`: readRequest, prepareChain
 * — the setup — then sampleChain, in one thread as the chain worker does)
 * and then `jags probit.cmd` and `jags setup.cmd` (JAGS's setup is the run
 * that stops after `initialize`, as ../shared/bench/peers/jags_run.py times
 * it; its sampling is the full run minus that). With --no-em skipped, the
 * engine's EM setup (compile, roles, the E-step units and M-step updates, and
 * one E-step) is timed too; JAGS has no EM. Wall seconds of each process's
 * own phases; peak RSS of each process from /usr/bin/time when present.
 *
 * With --phases the engine's side runs once in a fresh process that prints its
 * memory at each phase's end (data read, model compiled with its starts,
 * samplers assigned, sampling done): where the setup's peak comes from, and
 * the RSS that stays while the chain samples, and old space's size beside
 * its use. LATENT_SCALE_PROFILE=FILE and LATENT_SCALE_ALLOCATIONS=FILE write
 * the sampling phase's CPU and allocation profiles (see `profiled`).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { writeHeapSnapshot, getHeapSpaceStatistics } from 'node:v8';
import { Session as InspectorSession } from 'node:inspector';
import { cpuSeconds, jagsInstalled, measured, median, option } from './processTiming';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probitData, probitValues, PROBIT_MODEL } from '../scripts/probitData';
import { prepareGenericEm, runGenericEm } from '../src/engine/fit/genericEm';
import { classifyNodes } from '../src/engine/fit/roles';
import { setInitialValues } from '../src/engine/inference/initialValues';
import { compileModel } from '../src/engine/model/compile';
import { writeRDump } from '../src/engine/output/rdumpWriter';
import { Random } from '../src/engine/random/rng';
import { prepareChain, sampleChain } from '../src/engine/run/chainSession';
import { readRequest } from '../src/engine/job/job';
import { BUILT_IN_DEFAULTS } from '../src/engine/run/request';
import { keepAllocationsYoung } from '../src/engine/run/youngAllocation';

/** Wall and CPU seconds (user + system, all threads) of the two phases. */
interface Timing {
  setup: number;
  sampling: number;
  setupCpu: number;
  samplingCpu: number;
  rssMb?: number;
}




/** Writes the data and both sides' files into `dir`. */
function prepare(dir: string, rows: number, iterations: number): void {
  const data = probitData(rows, 3, 1);
  writeFileSync(join(dir, 'data.json'), JSON.stringify({ N: rows, D: 3, X: Array.from({ length: rows }, (_, i) => Array.from(data.X.subarray(3 * i, 3 * i + 3))), y: Array.from(data.y) }));
  writeFileSync(join(dir, 'inits.json'), JSON.stringify({ beta: [0, 0, 0], z: Array.from(data.z) }));
  writeFileSync(join(dir, 'data.R'), writeRDump(probitValues(data)));
  writeFileSync(join(dir, 'inits.R'), writeRDump(new Map([['beta', { values: new Float64Array(3), dims: [3] }], ['z', { values: data.z, dims: [rows] }]])));
  writeFileSync(join(dir, 'probit.latent'), `${PROBIT_MODEL}data from "data.json"\ninits from "inits.json"\nsample with gibbs(chains = 1, burnin = 0, iterations = ${iterations}, seed = 1, monitor = c(beta))\n`);
  writeFileSync(join(dir, 'probit.bug'), PROBIT_MODEL);
  const head = ['model in "probit.bug"', 'data in "data.R"', 'compile, nchains(1)', 'parameters in "inits.R"', 'initialize'];
  writeFileSync(join(dir, 'setup.cmd'), [...head, 'exit', ''].join('\n'));
  writeFileSync(join(dir, 'probit.cmd'), [...head, 'monitor beta', `update ${iterations}`, 'coda *', 'exit', ''].join('\n'));
}

/** The engine's side, in this process: prints {setup, sampling} as one JSON line. */
function latentSample(dir: string): void {
  keepAllocationsYoung();
  const [started, startedCpu] = [performance.now(), cpuSeconds()];
  const source = readFileSync(join(dir, 'probit.latent'), 'utf8');
  const request = readRequest('sample', source, BUILT_IN_DEFAULTS, () => 1, { baseDirectory: dir });
  const session = prepareChain(request, 0);
  const [prepared, preparedCpu] = [performance.now(), cpuSeconds()];
  let draws = 0;
  sampleChain(session, request.settings, (_done, d) => (draws += d.length));
  const [ended, endedCpu] = [performance.now(), cpuSeconds()];
  if (draws !== 3 * request.settings.iterations) throw new Error(`expected ${3 * request.settings.iterations} draws, got ${draws}`);
  const timing: Timing = { setup: (prepared - started) / 1000, sampling: (ended - prepared) / 1000, setupCpu: preparedCpu - startedCpu, samplingCpu: endedCpu - preparedCpu };
  console.log(JSON.stringify(timing));
}

/** The engine's side with its memory printed at each phase's end (--phases). */
function latentPhases(dir: string): void {
  keepAllocationsYoung();
  const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0).padStart(5)} MB`;
  const show = (phase: string): void => {
    const m = process.memoryUsage();
    const peak = process.resourceUsage().maxRSS * 1024;
    // Old space's size beside its use shows a fragmented heap (see keepAllocationsYoung).
    const old = getHeapSpaceStatistics().find((space) => space.space_name === 'old_space');
    console.log(`${phase.padEnd(24)} ${(performance.now() / 1000).toFixed(1).padStart(5)} s (CPU ${cpuSeconds().toFixed(1).padStart(5)} s) heap used ${mb(m.heapUsed)} of ${mb(m.heapTotal)} (old space ${old ? `${mb(old.space_used_size)} of ${mb(old.space_size)}` : '?'}), external ${mb(m.external)}, RSS ${mb(m.rss)} (peak so far ${mb(peak)})`);
    if (process.env.LATENT_SCALE_SPACES) {
      const g = (globalThis as { gc?: () => void }).gc;
      g?.();
      console.log(`   ${g ? 'after a full GC: ' : ''}${getHeapSpaceStatistics().map((space) => `${space.space_name} ${mb(space.space_used_size).trim()}/${mb(space.space_size).trim()}`).join(', ')}; external ${mb(process.memoryUsage().external).trim()}, array buffers ${mb(process.memoryUsage().arrayBuffers).trim()}, RSS ${mb(process.memoryUsage().rss).trim()}`);
    }
  };
  show('start');
  const source = readFileSync(join(dir, 'probit.latent'), 'utf8');
  const request = readRequest('sample', source, BUILT_IN_DEFAULTS, () => 1, { baseDirectory: dir });
  show('data read');
  const session = prepareChain(request, 0, (phase) => {
    if (phase.startsWith('assigning') && !phase.includes('%')) show('compiled, with starts');
  });
  show('samplers assigned');
  if (process.env.LATENT_SCALE_SNAPSHOT) writeHeapSnapshot(process.env.LATENT_SCALE_SNAPSHOT);
  profiled(() => sampleChain(session, request.settings, () => undefined));
  show(`${request.settings.iterations} iterations sampled`);
}

/**
 * Runs `phase` under the inspector's CPU profiler when LATENT_SCALE_PROFILE
 * names a file, and under its allocation sampler (objects already collected
 * included: what a sweep allocates) when LATENT_SCALE_ALLOCATIONS does; each
 * profile is written to its file. Starting them after the setup leaves the
 * setup's own heap as it would be.
 */
function profiled(phase: () => void): void {
  const cpuFile = process.env.LATENT_SCALE_PROFILE;
  const allocationFile = process.env.LATENT_SCALE_ALLOCATIONS;
  const inspector = cpuFile || allocationFile ? new InspectorSession() : undefined;
  inspector?.connect();
  if (cpuFile) inspector!.post('Profiler.enable', () => inspector!.post('Profiler.start'));
  if (allocationFile) inspector!.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  phase();
  if (cpuFile) inspector!.post('Profiler.stop', (error, result) => error || writeFileSync(cpuFile, JSON.stringify(result.profile)));
  if (allocationFile) inspector!.post('HeapProfiler.stopSampling', (error, result) => error || writeFileSync(allocationFile, JSON.stringify(result.profile)));
  inspector?.disconnect();
}

/** The engine's EM, to the end of its first E-step: prints {setup, sampling: 0}. */
function latentEm(dir: string): void {
  keepAllocationsYoung();
  const [started, startedCpu] = [performance.now(), cpuSeconds()];
  const source = readFileSync(join(dir, 'probit.latent'), 'utf8').replace(/^sample with.*$/m, '');
  const request = readRequest('fit', source, {}, () => 1, { baseDirectory: dir });
  const graph = compileModel(request.document, request.data);
  const roles = classifyNodes(graph, request.document.model!.statements, undefined, request.directiveRange);
  setInitialValues(graph, request.inits, request.initsRange);
  const settings = { ...request.settings, maxIterations: 0 };
  const outcome = runGenericEm(prepareGenericEm(graph, roles, settings, new Random(1)), roles, settings, () => undefined, () => false);
  if (!outcome.exact) throw new Error(`expected an exact E-step, got: ${outcome.engine}`);
  const timing: Timing = { setup: (performance.now() - started) / 1000, sampling: 0, setupCpu: cpuSeconds() - startedCpu, samplingCpu: 0 };
  console.log(JSON.stringify(timing));
}


function engine(mode: '--latent' | '--latent-em', dir: string): Timing {
  const run = measured(process.execPath, [__filename, mode, dir], dir);
  const lines = run.stdout.trim().split('\n');
  return { ...(JSON.parse(lines[lines.length - 1]!) as Timing), ...(run.rssMb ? { rssMb: run.rssMb } : {}) };
}

function jags(dir: string): Timing {
  const setup = measured('jags', ['setup.cmd'], dir);
  const full = measured('jags', ['probit.cmd'], dir);
  return {
    setup: setup.seconds, sampling: Math.max(full.seconds - setup.seconds, 0),
    setupCpu: setup.cpu, samplingCpu: Math.max(full.cpu - setup.cpu, 0),
    ...(full.rssMb ? { rssMb: full.rssMb } : {}),
  };
}


function report(label: string, runs: Timing[]): string {
  const f = (x: number): string => x.toFixed(2).padStart(7);
  const m = (k: keyof Timing): number => median(runs.map((r) => r[k] ?? Number.NaN));
  const rss = runs.map((r) => r.rssMb).filter((x): x is number => x !== undefined);
  return `${label.padEnd(10)} setup ${f(m('setup'))} s (CPU ${f(m('setupCpu'))} s)   sampling ${f(m('sampling'))} s (CPU ${f(m('samplingCpu'))} s)   peak RSS ${rss.length ? `${median(rss).toFixed(0)} MB` : '?'}`;
}

function main(argv: string[]): void {
  if (argv[0] === '--latent') return latentSample(argv[1]!);
  if (argv[0] === '--latent-em') return latentEm(argv[1]!);
  if (argv[0] === '--latent-phases') return latentPhases(argv[1]!);
  const rows = Number(option(argv, '--rows', '200000'));
  const iterations = Number(option(argv, '--iterations', '1000'));
  const rounds = Number(option(argv, '--rounds', '2'));
  const withJags = !argv.includes('--no-jags') && jagsInstalled();
  const dir = option(argv, '--dir', '') || mkdtempSync(join(tmpdir(), 'latent-scale-'));
  // A --dir that does not exist yet is made here: writing the data into it failed with a stack trace.
  mkdirSync(dir, { recursive: true });
  prepare(dir, rows, iterations);
  console.log(`probit by augmentation, ${rows} rows, 3 coefficients, 1 chain, ${iterations} iterations; work folder ${dir}`);
  if (argv.includes('--phases')) {
    console.log(measured(process.execPath, [__filename, '--latent-phases', dir], dir).stdout.trimEnd());
    return;
  }
  const latent: Timing[] = [];
  const peer: Timing[] = [];
  const em: Timing[] = [];
  for (let r = 0; r < rounds; r++) {
    latent.push(engine('--latent', dir));
    if (withJags) peer.push(jags(dir));
    if (!argv.includes('--no-em')) em.push(engine('--latent-em', dir));
    const pair = (t: Timing): string => `${t.setup.toFixed(2)} + ${t.sampling.toFixed(2)} s (CPU ${t.setupCpu.toFixed(2)} + ${t.samplingCpu.toFixed(2)})`;
    console.log(`round ${r + 1}: Latent ${pair(latent[r]!)}${withJags ? `, JAGS ${pair(peer[r]!)}` : ''}${em[r] ? `, Latent EM setup ${pair(em[r]!)}` : ''}`);
  }
  console.log(report('Latent', latent));
  if (withJags) {
    console.log(report('JAGS', peer));
    const ratio = (k: keyof Timing): string => (median(peer.map((p) => p[k] ?? Number.NaN)) / median(latent.map((l) => l[k] ?? Number.NaN))).toFixed(2);
    console.log(`ratio JAGS / Latent (above 1: Latent is faster): setup ${ratio('setup')} (CPU ${ratio('setupCpu')}), sampling ${ratio('sampling')} (CPU ${ratio('samplingCpu')})`);
  }
  if (em.length) console.log(`${'Latent EM'.padEnd(10)} setup to the first E-step ${median(em.map((e) => e.setup)).toFixed(2)} s (CPU ${median(em.map((e) => e.setupCpu)).toFixed(2)} s)   peak RSS ${em[0]!.rssMb?.toFixed(0) ?? '?'} MB`);
}

main(process.argv.slice(2));
