/**
 * CPU per sweep of a classic example's samplers, in process (issue 10): the
 * model, data and inits of examples/classic-bugs/NAME compiled as `latent
 * jags` compiles them, one chain, `--warmup` sweeps untimed (the JIT's
 * warm-up), then `--sweeps` timed twice: once with each sampler's own time
 * (performance.now around every update, which adds its own cost), once
 * without (the figure to compare). A whole run's time (bench/classic.ts) also
 * holds process start, compile and CODA files; this is the sweep alone.
 *
 *   node esbuild.mjs --production && node dist/bench/sweepCost.js [--example eyes] [--sweeps 40000] [--warmup 2000] [--seed 1]
 *
 * Compare two builds A B A B, each in its own folder: the figures are CPU microseconds on a shared machine.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cpuUsage } from 'node:process';
import { readRDump } from '../src/engine/data/rdump';
import { assignSamplers } from '../src/engine/inference/gibbs';
import { setInitialValues } from '../src/engine/inference/initialValues';
import { predictiveSamplerOf } from '../src/engine/inference/predictiveNodes';
import { parseDocument } from '../src/engine/language/parser';
import { compileModel } from '../src/engine/model/compile';
import { Random } from '../src/engine/random/rng';

const REPO = resolve(__dirname, '../..');

function option(argv: string[], name: string, fallback: string): string {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
}

function main(argv: string[]): void {
  const name = option(argv, '--example', 'eyes');
  const sweeps = Number(option(argv, '--sweeps', '40000'));
  const warmup = Number(option(argv, '--warmup', '2000'));
  const seed = Number(option(argv, '--seed', '1'));
  const folder = join(REPO, 'examples/classic-bugs', name);
  const parsed = parseDocument(readFileSync(join(folder, `${name}.bug`), 'utf8'));
  if (parsed.problems.length > 0) throw new Error(`${name}.bug: ${parsed.problems[0]!.message}`);
  const data = readRDump(readFileSync(join(folder, 'data.R'), 'utf8'), 'data.R');
  const inits = readRDump(readFileSync(join(folder, 'inits.R'), 'utf8'), 'inits.R');
  const compileStart = cpuUsage();
  const graph = compileModel(parsed.document, data);
  const random = new Random(seed);
  setInitialValues(graph, inits, graph.modelRange, random);
  const samplersStart = cpuUsage();
  // As `latent jags` assigns them: nodes with no observed descendant (Rats' missing weights) drawn from their priors,
  // and, as in a script whose monitors read none of them, only when the sampling loop hands the state on.
  const samplers = assignSamplers(graph, { forwardSamplePredictive: true });
  predictiveSamplerOf(samplers)?.drawEverySweepOnly(new Uint8Array(graph.stochastic.length));
  // The first sweeps run cold code: a whole run pays them once per chain (at 11,000 sweeps, Rats' first 100 are a tenth of its sampling).
  const firstStart = cpuUsage();
  for (let s = 0; s < Math.min(100, warmup); s++) for (const sampler of samplers) sampler.update(random);
  const firstDone = cpuUsage();
  for (let s = Math.min(100, warmup); s < warmup; s++) for (const sampler of samplers) sampler.update(random);
  const own = new Float64Array(samplers.length);
  for (let s = 0; s < sweeps; s++) {
    for (let k = 0; k < samplers.length; k++) {
      const started = performance.now();
      samplers[k]!.update(random);
      own[k]! += performance.now() - started;
    }
  }
  const before = cpuUsage();
  for (let s = 0; s < sweeps; s++) for (let k = 0; k < samplers.length; k++) samplers[k]!.update(random);
  const cpu = cpuUsage(before);
  console.log(`${name}: ${samplers.length} samplers, ${sweeps} sweeps after ${warmup} untimed, one chain`);
  const ms = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage): string => ((b.user + b.system - a.user - a.system) / 1000).toFixed(1);
  console.log(`  cold, first chain of the process: compile and inits ${ms(compileStart, samplersStart)} ms, samplers ${ms(samplersStart, firstStart)} ms, first ${Math.min(100, warmup)} sweeps ${ms(firstStart, firstDone)} ms (CPU)`);
  // Samplers of one kind together (a build may give each indicator its own sampler, another one sampler for them all).
  const kinds = new Map<string, { samplers: number; nodes: number; first: string; ms: number }>();
  samplers.forEach((sampler, k) => {
    const kind = kinds.get(sampler.label) ?? { samplers: 0, nodes: 0, first: sampler.nodes[0]!.name, ms: 0 };
    kind.samplers++;
    kind.nodes += sampler.nodes.length;
    kind.ms += own[k]!;
    kinds.set(sampler.label, kind);
  });
  for (const [label, kind] of kinds) {
    console.log(`  ${label.padEnd(28)} ${String(kind.samplers).padStart(3)} sampler(s), ${String(kind.nodes).padStart(4)} node(s) from ${kind.first.padEnd(8)} ${((kind.ms * 1000) / sweeps).toFixed(2).padStart(7)} us/sweep (timed one by one)`);
  }
  console.log(`CPU per sweep: ${((cpu.user + cpu.system) / sweeps).toFixed(2)} us (user + system, all samplers, untimed pass)`);
}

main(process.argv.slice(2));
