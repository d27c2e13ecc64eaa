// Builds the three bundles: the extension host (Node, CommonJS, `vscode` external),
// the engine's chain worker and the CLI (Node), and the notebook renderer
// (browser ESM with plotly inside). Flags: --watch, --production.
import * as esbuild from 'esbuild';
import { statSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

const builds = [
  { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...node, entryPoints: ['src/engine/run/chainWorker.ts'], outfile: 'dist/worker.js' },
  { ...node, entryPoints: ['src/engine/run/sessionWorker.ts'], outfile: 'dist/sessionWorker.js' },
  { ...node, entryPoints: ['src/cli/sessionThread.ts'], outfile: 'dist/sessionThread.js' },
  { ...node, entryPoints: ['src/engine/sbc/sbcWorker.ts'], outfile: 'dist/sbcWorker.js' },
  { ...node, entryPoints: ['src/engine/em/estepWorker.ts'], outfile: 'dist/em-worker.js' },
  { ...node, entryPoints: ['src/engine/fit/fitWorker.ts'], outfile: 'dist/fitWorker.js' },
  { ...node, entryPoints: ['src/engine/job/jobWorker.ts'], outfile: 'dist/jobWorker.js' },
  { ...node, entryPoints: ['bench/gmm.ts'], outfile: 'dist/bench/gmm.js' },
  { ...node, entryPoints: ['bench/engineRunner.ts'], outfile: 'dist/bench/mcmc.js' },
  { ...node, entryPoints: ['bench/run.ts'], outfile: 'dist/bench/run.js' },
  { ...node, entryPoints: ['bench/scale.ts'], outfile: 'dist/bench/scale.js' },
  { ...node, entryPoints: ['bench/classic.ts'], outfile: 'dist/bench/classic.js' },
  { ...node, entryPoints: ['bench/sweepCost.ts'], outfile: 'dist/bench/sweepCost.js' },
  { ...node, entryPoints: ['bench/bpmf.ts'], outfile: 'dist/bench/bpmf.js' },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli-main.js' },
  { ...node, entryPoints: ['src/cli/launcher.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  {
    entryPoints: ['src/renderer/index.ts'],
    outfile: 'dist/renderer.js',
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
  },
];

const reportSizes = {
  name: 'report-sizes',
  setup(build) {
    build.onEnd((result) => {
      if (result.errors.length) return;
      const file = build.initialOptions.outfile;
      console.log(`${file.padEnd(22)} ${(statSync(file).size / 1024).toFixed(1).padStart(8)} KB`);
    });
  },
};

const contexts = await Promise.all(builds.map((options) => esbuild.context({ ...options, plugins: [reportSizes] })));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('watching for changes…');
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
