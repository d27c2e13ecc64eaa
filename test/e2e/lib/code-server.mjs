// code-server (VS Code's server + web workbench, from the npm registry) as used by
// the end-to-end tests and by scripts/open-examples.mjs. Node built-ins only, so
// that it can be imported before test/e2e/node_modules exists.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { log, sleep } from './log.mjs';

export const E2E_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = path.resolve(E2E_DIR, '..', '..');
export const CODE_SERVER_ENTRY = path.join(E2E_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

/** User settings that keep a fresh VS Code from interrupting with dialogs, tours and toasts. */
export const QUIET_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.editor.enablePreview': false,
  'extensions.ignoreRecommendations': true,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
  'files.autoSave': 'off',
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'chat.commandCenter.enabled': false,
  'editor.accessibilitySupport': 'off',
  'notebook.cellExecutionTimeVerbosity': 'verbose',
};

/** Runs test/e2e/install.sh (idempotent); its output goes to stderr. */
export function runInstallScript() {
  log('running test/e2e/install.sh');
  const result = spawnSync('bash', [path.join(E2E_DIR, 'install.sh')], {
    stdio: ['ignore', 2, 2],
    env: process.env,
  });
  if (result.status !== 0) {
    throw new Error(`test/e2e/install.sh failed (exit ${result.status ?? result.signal})`);
  }
  if (!fs.existsSync(CODE_SERVER_ENTRY)) {
    throw new Error(`code-server is not installed at ${CODE_SERVER_ENTRY}`);
  }
}

/** Writes <userDataDir>/User/settings.json (QUIET_SETTINGS plus extra). */
export function writeUserSettings(userDataDir, extra = {}) {
  const dir = path.join(userDataDir, 'User');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'settings.json');
  fs.writeFileSync(file, JSON.stringify({ ...QUIET_SETTINGS, ...extra }, null, 2) + '\n');
  return file;
}

/** Resolves to `promise`'s value, or to `fallback` after ms; leaves no timer behind. */
async function withTimeout(promise, ms, fallback) {
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A code-server config file of its own, so that ~/.config/code-server is neither read nor written. */
function writeConfig(userDataDir) {
  const file = path.join(userDataDir, 'code-server-config.yaml');
  fs.mkdirSync(userDataDir, { recursive: true });
  fs.writeFileSync(file, 'auth: none\ncert: false\n');
  return file;
}

/** `code-server --install-extension FILE.vsix` into extensionsDir. */
export function installExtension(vsix, { extensionsDir, userDataDir }) {
  const config = writeConfig(userDataDir);
  const result = spawnSync(
    process.execPath,
    [
      CODE_SERVER_ENTRY,
      '--config', config,
      '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir,
      '--install-extension', vsix,
      '--force',
    ],
    { encoding: 'utf8' },
  );
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  if (result.status !== 0 || !/successfully installed/i.test(output)) {
    throw new Error(`installing ${vsix} failed (exit ${result.status}):\n${output}`);
  }
  log(`installed ${path.basename(vsix)} into ${extensionsDir}`);
  return output;
}

/**
 * Starts code-server on host:port (port 0 = a free one, read back from its log) on
 * `folder`, in a process group of its own so that stop() ends it with every child
 * (extension host, pty host, file watcher).
 * Returns { url, port, pid, stop, logFile }.
 */
/**
 * The processes of a process group (code-server starts its own): pid, command line, resident
 * memory (kB) and threads, from /proc. Linux only; empty elsewhere.
 */
export function groupProcesses(pgid) {
  if (!fs.existsSync('/proc')) return [];
  const found = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command (in parentheses): state, ppid, pgrp, …
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue;
      const status = fs.readFileSync(`/proc/${entry}/status`, 'utf8');
      const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
      const args = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      found.push({ pid: Number(entry), args, rssKb: field('VmRSS'), threads: field('Threads') });
    } catch { /* the process ended while being read */ }
  }
  return found;
}

/** The extension host of a code-server's process group (the process VS Code runs extensions in). */
export function extensionHostOf(pgid) {
  return groupProcesses(pgid).find((p) => /--type=extensionHost/.test(p.args)) ?? null;
}

export async function startCodeServer({
  userDataDir,
  extensionsDir,
  folder,
  host = '127.0.0.1',
  port = 0,
  logFile,
  echo = false,
  timeoutMs = 60_000,
  // true: workspace trust applies (the folder opens in Restricted Mode unless trusted); the tests otherwise turn it off.
  workspaceTrust = false,
}) {
  const config = writeConfig(userDataDir);
  const args = [
    CODE_SERVER_ENTRY,
    '--config', config,
    '--auth', 'none',
    '--bind-addr', `${host}:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    folder,
  ];
  const out = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : null;
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: process.env,
  });
  let exited = false;
  let exitInfo = '';
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = true;
      exitInfo = `code ${code}, signal ${signal}`;
      resolve();
    });
  });

  const killGroup = (signal) => {
    if (exited) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      try { child.kill(signal); } catch { /* already gone */ }
    }
  };
  const onExit = () => killGroup('SIGKILL');
  process.on('exit', onExit);

  let buffered = '';
  let url = null;
  const urlPromise = new Promise((resolve) => {
    const onData = (chunk) => {
      const text = chunk.toString();
      out?.write(text);
      if (echo) process.stdout.write(text);
      if (url) return;
      buffered += text;
      const m = /HTTP server listening on (https?:\/\/[^\s/]+)\/?/.exec(buffered);
      if (m) {
        url = m[1].replace('0.0.0.0', '127.0.0.1');
        resolve(url);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
  });

  // The processes still in the group 3 s after the server itself ended on SIGTERM (the extension host
  // among them would mean something kept it alive), as the last stop() found them.
  let leftovers = [];
  const stop = async () => {
    process.off('exit', onExit);
    if (!exited) {
      log(`stopping code-server (pid ${child.pid})`);
      killGroup('SIGTERM');
      const graceful = await withTimeout(exitPromise.then(() => true), 5000, false);
      if (!graceful) killGroup('SIGKILL');
      for (let i = 0; i < 30 && groupProcesses(child.pid).length > 0; i++) await sleep(100);
      leftovers = groupProcesses(child.pid);
      if (leftovers.length) log(`still running 3 s after code-server stopped: ${leftovers.map((p) => `${p.pid} ${p.args.slice(0, 120)}`).join('; ')}`);
    }
    // Children outlive the server only briefly; make sure none stays in the group.
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* group is empty */ }
    await exitPromise;
    for (let i = 0; i < 50; i++) {
      try {
        process.kill(-child.pid, 0);
      } catch {
        break; // ESRCH: no process left in the group
      }
      await sleep(100);
    }
    out?.end();
  };

  const started = await withTimeout(Promise.race([urlPromise, exitPromise.then(() => 'exited')]), timeoutMs, 'timeout');
  if (started === 'exited' || started === 'timeout') {
    await stop();
    throw new Error(
      `code-server did not start (${started === 'exited' ? `exited: ${exitInfo}` : `no "listening" line in ${timeoutMs} ms`}):\n${buffered.slice(-3000)}`,
    );
  }
  // The server answers /healthz once it serves requests.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch { /* not yet */ }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server at ${url} never answered /healthz`);
    }
    await sleep(200);
  }
  const actualPort = Number(new URL(url).port);
  log(`code-server ${url} (pid ${child.pid}) serving ${folder}`);
  return { url, port: actualPort, pid: child.pid, stop, logFile, exited: () => exited, wait: () => exitPromise, leftovers: () => leftovers };
}
