/**
 * Writes probit data (scripts/probitData.ts) into a folder:
 *
 *   probit.latent  the model, reading data.json and inits.json
 *   probit.bug     the same model for JAGS, with probit.cmd (its batch script)
 *   data.json, data.R, inits.json, inits.R   (z starts at ±0.5 on the side y asks for, beta at 0)
 *
 *   node --import tsx scripts/writeProbitData.ts --rows 200000 --out /tmp/probit200k [--coefficients 3] [--seed 1]
 *        [--iterations 20] [--burnin 0]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeRDump } from '../src/engine/output/rdumpWriter';
import { probitData, probitValues, PROBIT_MODEL, type ProbitData } from './probitData';

function rowsOf(data: ProbitData): number[][] {
  return Array.from({ length: data.N }, (_, i) => Array.from(data.X.subarray(i * data.D, (i + 1) * data.D)));
}

function main(argv: string[]): void {
  const value = (name: string, fallback?: string): string => {
    const i = argv.indexOf(name);
    const v = i >= 0 ? argv[i + 1] : fallback;
    if (v === undefined) throw new Error(`usage: writeProbitData.ts --rows N --out DIR [--coefficients 3] [--seed 1] [--iterations 20] [--burnin 0]; ${name} is missing`);
    return v;
  };
  const rows = Number(value('--rows'));
  const out = value('--out');
  const data = probitData(rows, Number(value('--coefficients', '3')), Number(value('--seed', '1')));
  const iterations = Number(value('--iterations', '20'));
  const burnin = Number(value('--burnin', '0'));
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'data.json'), JSON.stringify({ N: data.N, D: data.D, X: rowsOf(data), y: Array.from(data.y) }));
  writeFileSync(join(out, 'inits.json'), JSON.stringify({ beta: Array(data.D).fill(0), z: Array.from(data.z) }));
  writeFileSync(join(out, 'data.R'), writeRDump(probitValues(data)));
  writeFileSync(join(out, 'inits.R'), writeRDump(new Map([
    ['beta', { values: new Float64Array(data.D), dims: [data.D] }],
    ['z', { values: data.z, dims: [data.N] }],
  ])));
  writeFileSync(
    join(out, 'probit.latent'),
    `${PROBIT_MODEL}data from "data.json"\ninits from "inits.json"\nsample with gibbs(chains = 1, burnin = ${burnin}, iterations = ${iterations}, seed = 1)\n`,
  );
  writeFileSync(join(out, 'probit.bug'), PROBIT_MODEL);
  writeFileSync(
    join(out, 'probit.cmd'),
    ['model in "probit.bug"', 'data in "data.R"', 'compile, nchains(1)', 'parameters in "inits.R"', 'initialize',
      ...(burnin > 0 ? [`update ${burnin}`] : []), 'monitor beta', `update ${iterations}`, 'coda *', 'exit', ''].join('\n'),
  );
}

main(process.argv.slice(2));
