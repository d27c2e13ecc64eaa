import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { formatProblem, ModelError } from '../engine/language/source';
import { formatSummaryTable } from '../engine/output/summaryTable';
import { runCheck } from './check';
import { BUILT_IN_DEFAULTS, readRunRequest, type RunDefaults } from '../engine/run/request';
import { startRun } from '../engine/run/runner';

const USAGE = `usage: latent check MODEL [--data FILE]...
       latent sample MODEL [--data FILE]... [--inits FILE]... [--chains n] [--burnin n] [--iterations n] [--thin n] [--seed s] [--json]

MODEL is a Latent document: a JAGS model block with its data and run directives.
Files its 'data from "..."' lines name are read relative to MODEL's folder.
--data and --inits read more data and initial values (R dump .R, .json, .csv),
relative to the current folder; their values replace the document's of the same name.
Flags give the settings the document's 'sample with gibbs(...)' line leaves out.`;

async function main(argv: string[]): Promise<number> {
  const [command, file, ...rest] = argv;
  if (command === 'check' && file) {
    const dataFiles: string[] = [];
    for (let k = 0; k < rest.length; k += 2) {
      if (rest[k] !== '--data' || rest[k + 1] === undefined) {
        process.stderr.write(`latent: bad option ${rest[k]}\n${USAGE}\n`);
        return 2;
      }
      dataFiles.push(resolve(rest[k + 1]!));
    }
    return runCheck(file, dataFiles, (line) => process.stdout.write(`${line}\n`));
  }
  if (command !== 'sample' || !file) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const defaults: RunDefaults = { ...BUILT_IN_DEFAULTS };
  let json = false;
  const dataFiles: string[] = [];
  const initsFiles: string[] = [];
  for (let k = 0; k < rest.length; k++) {
    const flag = rest[k]!;
    if (flag === '--json') {
      json = true;
      continue;
    }
    if (flag === '--data' || flag === '--inits') {
      const path = rest[++k];
      if (path === undefined || path.startsWith('--')) {
        process.stderr.write(`latent: ${flag} needs a file name\n${USAGE}\n`);
        return 2;
      }
      (flag === '--data' ? dataFiles : initsFiles).push(resolve(path));
      continue;
    }
    const name = flag.replace(/^--/, '');
    const value = Number(rest[++k]);
    if (!['chains', 'burnin', 'iterations', 'thin', 'seed'].includes(name) || !Number.isInteger(value) || value < 0) {
      process.stderr.write(`latent: bad option ${flag} ${rest[k] ?? ''}\n${USAGE}\n`);
      return 2;
    }
    (defaults as unknown as Record<string, number>)[name] = value;
  }

  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (e) {
    process.stderr.write(`latent: cannot read ${file}: ${(e as Error).message}\n`);
    return 2;
  }
  let request;
  try {
    request = readRunRequest(source, defaults, () => randomInt(0, 2 ** 31), { baseDirectory: dirname(resolve(file)), dataFiles, initsFiles });
  } catch (e) {
    if (!(e instanceof ModelError)) throw e;
    for (const p of e.problems) process.stderr.write(`${formatProblem(p, file)}\n`);
    return 1;
  }
  const handle = startRun(request, { workerScript: join(__dirname, 'worker.js') });
  process.once('SIGINT', () => handle.cancel());
  const { output } = await handle.result;
  if (json) {
    const nodes = Object.fromEntries(output.nodes.map((n) => [n.name, n.summary]));
    process.stdout.write(`${JSON.stringify({ status: output.status, seed: output.settings.seed, nodes, messages: output.messages, seconds: output.timings.totalMs / 1000 })}\n`);
  } else {
    process.stdout.write(`${formatSummaryTable(output)}\n`);
  }
  if (output.status === 'failed') {
    for (const m of output.messages) {
      if (m.range) process.stderr.write(`${file}:${m.range.startLine + 1}:${m.range.startColumn + 1}: ${m.severity}: ${m.message}\n`);
    }
    return 1;
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`latent: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(70);
  },
);
