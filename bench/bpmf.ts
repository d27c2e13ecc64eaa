/**
 * Full BPMF (Salakhutdinov & Mnih 2008) at the MovieLens-100k shape (943 users
 * × 1,682 items, 100,000 ratings, D = 10), side by side with JAGS, A B A B
 * (issue 10):
 *
 *   npm run bench:bpmf                         # 200 sweeps of the engine, 20 of JAGS, 2 rounds
 *   node dist/bench/bpmf.js [--sweeps 200] [--burnin 50] [--jags-sweeps 20] [--rounds 2] [--no-jags] [--generated] [--dir DIR]
 *
 * The data: ../shared/bench/data/ratings_ml100k_like.csv (its `test` column
 * marks the 10 % hold-out) when it is there, else (or with --generated) the
 * project's own generator, scripts/ratingsData.ts. Both sides run the same
 * model (scripts/ratingsData.ts's BPMF_MODEL) on the same data, one chain, in
 * fresh processes: the engine in one thread as the chain worker runs it
 * (readRequest, prepareChain, sampleChain), with the predictive summaries
 * of the held-out ratings; JAGS with `update K` after `initialize`, its setup
 * timed by a run that stops after `initialize`. A sweep's time is the
 * sampling time over the sweeps. Figures: seconds per sweep (wall and CPU),
 * setup, peak RSS (/usr/bin/time -v), and the engine's test RMSE of the
 * posterior predictive mean after its sweeps and the coverage of its 90 %
 * predictive intervals.
 */
import { readRequest } from '../src/engine/job/job';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpuSeconds, jagsInstalled, measured, median, option } from './processTiming';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BPMF_JAGS_MODEL, BPMF_MODEL, makeRatings, ML100K_SHAPE, type Rating } from '../scripts/ratingsData';
import { writeRDump } from '../src/engine/output/rdumpWriter';
import { prepareChain, sampleChain } from '../src/engine/run/chainSession';
import { coverageAt, predictiveOutput } from '../src/engine/run/predictive';
import { BUILT_IN_DEFAULTS } from '../src/engine/run/request';

interface Timing {
  setup: number;
  sweep: number;
  setupCpu: number;
  sweepCpu: number;
  rssMb?: number;
  rmse?: number;
  coverage90?: number;
  /** Test RMSE of the running predictive mean after 50, 100, … kept sweeps. */
  rmseTrace?: number[];
}

const SHARED = resolve(__dirname, '../../../shared/bench/data/ratings_ml100k_like.csv');



/** The shared benchmark's ratings, split by its `test` column. */
function sharedRatings(file: string): { train: Rating[]; test: Rating[] } {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const columns = header!.split(',');
  const at = (name: string): number => columns.indexOf(name);
  const [u, i, r, t] = [at('user'), at('item'), at('rating'), at('test')];
  const train: Rating[] = [];
  const test: Rating[] = [];
  for (const line of lines) {
    const cells = line.split(',');
    (cells[t] === '1' ? test : train).push({ user: Number(cells[u]), item: Number(cells[i]), rating: Number(cells[r]) });
  }
  return { train, test };
}

const column = (rows: Rating[], key: keyof Rating): Float64Array => Float64Array.from(rows, (row) => row[key]);

/** Writes the data and both sides' files into `dir`; returns a description of the data. */
function prepare(dir: string, sweeps: number, burnin: number, jagsSweeps: number, generated: boolean): string {
  const useShared = !generated && existsSync(SHARED);
  const { train, test } = useShared ? sharedRatings(SHARED) : makeRatings(ML100K_SHAPE);
  const users = Math.max(...train.map((r) => r.user), ...test.map((r) => r.user));
  const items = Math.max(...train.map((r) => r.item), ...test.map((r) => r.item));
  const vector = (values: Float64Array): { values: Float64Array; dims: number[] } => ({ values, dims: [values.length] });
  const scalar = (x: number): { values: Float64Array; dims: number[] } => ({ values: Float64Array.of(x), dims: [1] });
  const data = new Map([
    ['N', scalar(train.length)], ['Nu', scalar(users)], ['Ni', scalar(items)], ['D', scalar(ML100K_SHAPE.rank)], ['Ntest', scalar(test.length)],
    ['user', vector(column(train, 'user'))], ['item', vector(column(train, 'item'))], ['rating', vector(column(train, 'rating'))],
    ['tuser', vector(column(test, 'user'))], ['titem', vector(column(test, 'item'))], ['rtest', vector(column(test, 'rating'))],
  ]);
  const sizes = new Set(['N', 'Nu', 'Ni', 'D', 'Ntest']);
  writeFileSync(join(dir, 'data.json'), JSON.stringify(Object.fromEntries([...data].map(([name, v]) => [name, sizes.has(name) ? v.values[0] : Array.from(v.values)]))));
  const run = (iterations: number, kept: number): string => `sample with gibbs(chains = 1, burnin = ${iterations - kept}, iterations = ${kept}, seed = 1, monitor = c(tau, mu, predictive(pred, tau, rtest)))\n`;
  writeFileSync(join(dir, 'bpmf.latent'), `${BPMF_MODEL}data from "data.json"\n${run(sweeps, sweeps - burnin)}`);
  // The per-sweep race runs the model JAGS can sample, as many sweeps as JAGS.
  writeFileSync(join(dir, 'same.latent'), `${BPMF_JAGS_MODEL}data from "data.json"\n${run(jagsSweeps, jagsSweeps)}`);
  // JAGS reads no held-out values it does not use.
  data.delete('rtest');
  writeFileSync(join(dir, 'data.R'), writeRDump(data));
  writeFileSync(join(dir, 'bpmf.bug'), BPMF_JAGS_MODEL);
  const head = ['model in "bpmf.bug"', 'data in "data.R"', 'compile, nchains(1)', 'initialize'];
  writeFileSync(join(dir, 'setup.cmd'), [...head, 'exit', ''].join('\n'));
  writeFileSync(join(dir, 'bpmf.cmd'), [...head, `update ${jagsSweeps}`, 'exit', ''].join('\n'));
  return `${useShared ? SHARED : 'scripts/ratingsData.ts (ML-100k shape)'}: ${users} users × ${items} items, ${train.length} training and ${test.length} held-out ratings`;
}

/** The engine's side, in this process: prints its Timing as one JSON line. */
function latentSide(dir: string, file: string): void {
  const [started, startedCpu] = [performance.now(), cpuSeconds()];
  const request = readRequest('sample', readFileSync(join(dir, file), 'utf8'), BUILT_IN_DEFAULTS, () => 1, { baseDirectory: dir });
  const session = prepareChain(request, 0);
  const [prepared, preparedCpu] = [performance.now(), cpuSeconds()];
  sampleChain(session, request.settings, () => undefined);
  const [ended, endedCpu] = [performance.now(), cpuSeconds()];
  const sweeps = request.settings.burnin + request.settings.iterations;
  const sums = session.predictive!.take();
  const output = predictiveOutput(request.settings.predictive!, [sums], request.data, 1);
  const timing: Timing = {
    setup: (prepared - started) / 1000, sweep: (ended - prepared) / 1000 / sweeps,
    setupCpu: preparedCpu - startedCpu, sweepCpu: (endedCpu - preparedCpu) / sweeps,
    rmse: output.test!.rmse, coverage90: coverageAt(output, 0.9)!,
    rmseTrace: Array.from(sums.rmse).filter((_, k) => (k + 1) % 50 === 0),
  };
  console.log(JSON.stringify(timing));
}


function engine(dir: string, file: string): Timing {
  const run = measured(process.execPath, [__filename, '--latent', dir, file], dir);
  const lines = run.stdout.trim().split('\n');
  return { ...(JSON.parse(lines[lines.length - 1]!) as Timing), ...(run.rssMb ? { rssMb: run.rssMb } : {}) };
}

function jags(dir: string, sweeps: number): Timing {
  const setup = measured('jags', ['setup.cmd'], dir);
  const full = measured('jags', ['bpmf.cmd'], dir);
  if (/error/i.test(full.stdout)) throw new Error(`JAGS failed:\n${full.stdout.slice(-2000)}`);
  return {
    setup: setup.seconds, sweep: Math.max(full.seconds - setup.seconds, 0) / sweeps,
    setupCpu: setup.cpu, sweepCpu: Math.max(full.cpu - setup.cpu, 0) / sweeps,
    ...(full.rssMb ? { rssMb: full.rssMb } : {}),
  };
}


function report(label: string, runs: Timing[]): string {
  const m = (k: keyof Timing): number => median(runs.map((r) => (r[k] as number | undefined) ?? Number.NaN));
  return `${label.padEnd(7)} sweep ${m('sweep').toFixed(4)} s (CPU ${m('sweepCpu').toFixed(4)} s)   setup ${m('setup').toFixed(2)} s (CPU ${m('setupCpu').toFixed(2)} s)   peak RSS ${Number.isFinite(m('rssMb')) ? `${m('rssMb').toFixed(0)} MB` : '?'}`;
}

function main(argv: string[]): void {
  if (argv[0] === '--latent') return latentSide(argv[1]!, argv[2]!);
  const sweeps = Number(option(argv, '--sweeps', '200'));
  const burnin = Number(option(argv, '--burnin', '50'));
  const jagsSweeps = Number(option(argv, '--jags-sweeps', '20'));
  const rounds = Number(option(argv, '--rounds', '2'));
  const withJags = !argv.includes('--no-jags') && jagsInstalled();
  const dir = option(argv, '--dir', '') || mkdtempSync(join(tmpdir(), 'latent-bpmf-'));
  const described = prepare(dir, sweeps, burnin, jagsSweeps, argv.includes('--generated'));
  console.log(`BPMF, D = ${ML100K_SHAPE.rank}, 1 chain: ${described}; engine ${sweeps} sweeps (burn-in ${burnin}), JAGS ${jagsSweeps}; work folder ${dir}`);
  const latent: Timing[] = [];
  const same: Timing[] = [];
  const peer: Timing[] = [];
  const line = (t: Timing): string => `${t.sweep.toFixed(4)} s/sweep (CPU ${t.sweepCpu.toFixed(4)}), setup ${t.setup.toFixed(2)} s, RSS ${t.rssMb?.toFixed(0) ?? '?'} MB`;
  for (let r = 0; r < rounds; r++) {
    latent.push(engine(dir, 'bpmf.latent'));
    const l = latent[r]!;
    console.log(`round ${r + 1}: Latent (Normal–Wishart) ${line(l)}, test RMSE ${l.rmse!.toFixed(4)} (after 50, 100, … kept sweeps: ${l.rmseTrace!.map((x) => x.toFixed(4)).join(' ')}), 90 % coverage ${(100 * l.coverage90!).toFixed(1)} %`);
    if (!withJags) continue;
    peer.push(jags(dir, jagsSweeps));
    same.push(engine(dir, 'same.latent'));
    console.log(`round ${r + 1}: JAGS (means' precision 2·I) ${line(peer[r]!)}; Latent on the same model ${line(same[r]!)}`);
  }
  console.log(report('Latent', latent));
  if (withJags) {
    console.log(report('JAGS', peer));
    console.log(report('Latent*', same));
    const ratio = (k: keyof Timing): string => (median(peer.map((p) => p[k] as number)) / median(same.map((l) => l[k] as number))).toFixed(2);
    console.log(`ratio JAGS / Latent* per sweep on the same model (above 1: Latent is faster): wall ${ratio('sweep')}, CPU ${ratio('sweepCpu')}`);
  }
}

main(process.argv.slice(2));
