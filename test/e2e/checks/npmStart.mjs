// `npm start`, as a new user runs it: it must print the address of a VS Code (code-server)
// serving examples/ with the extension, and that address must answer with the workbench.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { log } from '../lib/log.mjs';
import { REPO_ROOT } from '../lib/code-server.mjs';

const ADDRESS = /Latent examples in VS Code \(code-server\): (http:\/\/\S+)/;

/**
 * Runs `npm start` with the packaged extension (LATENT_VSIX: nothing is rebuilt), a free port
 * and a home folder of its own; waits for the address it prints, loads it in the test's browser
 * (`page`), screenshots it, then stops the server with its whole process group.
 */
export async function testNpmStart({ vsix, page, screenshot, timeoutMs = 150_000 }) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-npm-start-'));
  const child = spawn('npm', ['start'], {
    cwd: REPO_ROOT,
    detached: true,
    env: { ...process.env, LATENT_VSIX: vsix, LATENT_PORT: '0', LATENT_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const address = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start printed no address within ${timeoutMs / 1000} s:\n${output.slice(-2000)}`)), timeoutMs);
    const read = (chunk) => {
      output += chunk;
      const m = ADDRESS.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited (${code}) before printing an address:\n${output.slice(-2000)}`));
    });
  });
  try {
    const url = await address;
    log(`npm start printed ${url}`);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/\?folder=.*examples$/);
    const response = await fetch(url);
    assert.equal(response.status, 200, `${url} answered ${response.status}`);
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ state: 'attached', timeout: 60_000 });
    // The explorer shows examples/: its folders are the workbench's proof that it opened the right one.
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'classic-bugs' }).first().waitFor({ state: 'visible', timeout: 60_000 });
    await screenshot();
  } finally {
    const exited = new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    // The script stops its code-server (a process group of its own) on SIGTERM before it exits.
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    fs.rmSync(home, { recursive: true, force: true });
  }
}
