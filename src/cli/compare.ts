/**
 * `latent compare MODEL MODEL... [sample flags]`: samples each model (its own
 * run line, the flags filling in what it leaves out) with the pointwise
 * log-likelihood recorded, then ranks them by elpd_loo as R's `loo_compare`
 * does, with WAIC and DIC beside (engine/diagnostics/looCompare.ts).
 */

import { basename } from 'node:path';
import type { JobWorkers } from '../engine/job/startJob';
import { rankModels, type ComparedModel } from '../engine/diagnostics/looCompare';
import { formatCompareTable } from '../engine/output/compareTable';
import { runModelFile } from './runModelFile';
import type { SampleArguments } from './sample';

export const COMPARE_USAGE = 'latent compare MODEL MODEL... [--data FILE]... [--chains n] [--burnin n] [--iterations n] [--thin n] [--seed s] [--json]';

export async function runCompare(files: string[], args: SampleArguments, workers: JobWorkers, out: (text: string) => void, err: (text: string) => void): Promise<number> {
  if (files.length < 2) {
    err(`usage: ${COMPARE_USAGE}`);
    return 2;
  }
  const models: ComparedModel[] = [];
  for (const file of files) {
    let compared: ComparedModel | undefined;
    const code = await runModelFile(
      file,
      {
        kind: 'sample',
        choices: { sample: { ...args.defaults, loo: true } },
        dataFiles: args.dataFiles,
        initsFiles: args.initsFiles,
        format: (o) => {
          if (o.kind === 'sample' && o.output.modelComparison) compared = { name: basename(file).replace(/\.[^.]+$/, ''), comparison: o.output.modelComparison };
          return '';
        },
      },
      workers,
      () => {},
      err,
    );
    if (code !== 0) return code;
    if (!compared) {
      err(`${file}: error: the model has no observed nodes to compare on.`);
      return 1;
    }
    models.push(compared);
  }
  try {
    const ranked = rankModels(models);
    out(args.json ? JSON.stringify({ models: ranked.map(({ name, elpd_diff, se_diff, comparison }) => ({ name, elpd_diff, se_diff, ...comparison })) }) : formatCompareTable(ranked));
  } catch (e) {
    err(`latent compare: ${(e as Error).message}`);
    return 1;
  }
  return 0;
}
