#!/usr/bin/env node
// "Try it" (`npm start`): installs the dependencies that are missing, builds and packages
// the extension, then opens examples/ in VS Code with it.
//
//   npm start   (or: node scripts/open-examples.mjs [--no-package])
//
// - Without node_modules/: `npm ci`; with a package-lock.json newer than the installed
//   tree: `npm install`.
// - With VS Code's `code` command on PATH: installs latent-notebooks.vsix into it
//   and opens examples/ in a VS Code window.
// - Without it: installs code-server (VS Code's server and web workbench, from the
//   npm registry; see test/e2e/install.sh), installs the extension into .code-server/
//   at the repository root (kept between runs, ignored by git; LATENT_HOME names another
//   folder) and serves examples/
//   on http://127.0.0.1:PORT (PORT from LATENT_PORT, default 8080) until Ctrl+C.
//
// --no-package skips `npm run package` when latent-notebooks.vsix is already built.
// LATENT_VSIX=path/to/other.vsix opens that package instead (and skips packaging).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// LATENT_VSIX: open a .vsix built elsewhere (then nothing is packaged).
const vsix = process.env.LATENT_VSIX ? path.resolve(process.env.LATENT_VSIX) : path.join(root, 'latent-notebooks.vsix');
const examples = path.join(root, 'examples');
const skipPackage = process.argv.includes('--no-package') || !!process.env.LATENT_VSIX;

function run(command, args, options = {}) {
  console.log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    console.error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status || 1);
  }
}

const onPath = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

// Install what is missing: a fresh clone has no node_modules; a pulled lock file may name packages not yet installed.
const installed = path.join(root, 'node_modules', '.package-lock.json');
if (!fs.existsSync(installed)) run('npm', ['ci']);
else if (fs.statSync(path.join(root, 'package-lock.json')).mtimeMs > fs.statSync(installed).mtimeMs) run('npm', ['install']);

if (!skipPackage || !fs.existsSync(vsix)) run('npm', ['run', 'package']);
if (!fs.existsSync(vsix)) {
  console.error(`${vsix} was not produced by npm run package`);
  process.exit(1);
}

if (onPath('code')) {
  run('code', ['--install-extension', vsix, '--force']);
  run('code', [examples]);
  console.log('Opened examples/ in VS Code.');
  process.exit(0);
}

// No VS Code on this machine: serve it with code-server.
const { runInstallScript, installExtension, writeUserSettings, startCodeServer, QUIET_SETTINGS } = await import(
  '../test/e2e/lib/code-server.mjs'
);
(await import('../test/e2e/lib/log.mjs')).setLogPrefix('open-examples');
const port = Number(process.env.LATENT_PORT || 8080);
// 0: a free port, read back from code-server (the e2e check of npm start uses it).
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`LATENT_PORT must be a port number, not ${process.env.LATENT_PORT}`);
  process.exit(1);
}
const home = process.env.LATENT_HOME ? path.resolve(process.env.LATENT_HOME) : path.join(root, '.code-server');
const userDataDir = path.join(home, 'user-data');
const extensionsDir = path.join(home, 'extensions');
fs.mkdirSync(extensionsDir, { recursive: true });

runInstallScript();

// Keep the user's own settings from earlier runs; add the quiet defaults they lack.
const settingsFile = path.join(userDataDir, 'User', 'settings.json');
let existing = {};
try {
  existing = JSON.parse(fs.readFileSync(settingsFile, 'utf8'));
} catch {
  existing = {};
}
writeUserSettings(userDataDir, { ...QUIET_SETTINGS, ...existing });
installExtension(vsix, { extensionsDir, userDataDir });

const server = await startCodeServer({
  userDataDir,
  extensionsDir,
  folder: examples,
  host: '127.0.0.1',
  port,
  logFile: path.join(home, 'code-server.log'),
});
const url = `${server.url}/?folder=${encodeURIComponent(examples)}`;
console.log('');
console.log(`Latent examples in VS Code (code-server): ${url}`);
console.log('Open that URL in a browser. Ctrl+C stops the server.');
console.log('');

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await server.stop();
    process.exit(0);
  });
}
await server.wait();
if (!stopping) {
  console.error(`code-server exited; see ${path.join(home, 'code-server.log')}`);
  process.exit(1);
}
