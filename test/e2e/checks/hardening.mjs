// Cells that must end however bad their input, a soak of runs stopped at random points, and the
// extension host afterwards: its memory and its threads (every job's worker is a thread of it).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { extensionHostOf } from '../lib/code-server.mjs';
import { log, sleep } from '../lib/log.mjs';

/** A 20,000-term sum: it once overflowed the stack in the name checker and left the cell running forever. */
export const STACK_CELL = `model {\n  mu ~ dnorm(${Array(20_000).fill('1').join('+')}, 1)\n}`;
/** A 1 MB binary file given as data: it once did the same through a spread of 1 MB of problems. */
export const GARBAGE_CELL = 'model {\n  mu ~ dnorm(0, 1)\n}\ndata from "g.R"';
export const GARBAGE_FILE = 'g.R';

/** 1 MB of bytes with no pattern a reader would take for text (a fixed sequence, so every run reads the same). */
export function garbageBytes() {
  const bytes = Buffer.alloc(1024 * 1024);
  let x = 12345;
  for (let k = 0; k < bytes.length; k++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    bytes[k] = x >>> 16;
  }
  return bytes;
}

/** A quick run for the soak: about a second of sampling, then final summaries in a worker of their own (240,000 draws). */
export const SOAK_CELL = `model {
  for (i in 1:N) { y[i] ~ dnorm(mu, tau) }
  mu ~ dnorm(0, 1.0E-4)
  tau ~ dgamma(0.001, 0.001)
}
data list(N = 5, y = c(1.2, 0.8, 1.9, 1.4, 1.1))
sample with gibbs(chains = 2, burnin = 1000, iterations = 60000, seed = 7)`;

export const SOAK_RUNS = Number(process.env.LATENT_E2E_SOAK_RUNS || 100);

export function hardeningTests({ wb, waitFor, serverPid, files }) {
  /** The bad cells end with an error output each, and the cell after them still runs. */
  async function hostileCells() {
    const nb = await wb().openNotebook(files.hostile);
    await nb.ensureKernel('Latent');
    const before = await nb.state();
    await wb().runCommand('Notebook: Run All');
    await nb.waitExecutionDone({ timeoutMs: 180_000, before });
    const cells = await nb.withWholeNotebookVisible(() => nb.cells());
    // Imported here, not at the top: run.mjs loads this file before install.sh has installed playwright-core (a fresh CI machine).
    const { ERROR_MIME } = await import('../lib/workbench.mjs');
    log(`hostile cells: ${cells.map((c) => `${c.index}:${c.state}:${c.mimes.join('+')}`).join(' ')}`);
    for (const [k, what] of [[0, 'the 20,000-term sum'], [1, 'the binary data file']]) {
      assert.equal(cells[k].state, 'error', `${what} ends as an error (${cells[k].state})`);
      assert.ok(cells[k].mimes.includes(ERROR_MIME), `${what} has an error output (${cells[k].mimes.join(', ')})`);
    }
    assert.equal(cells[2].state, 'success', 'the cell after them runs');
    const texts = (await nb.webviewOutputs()).map((o) => o.text).join('\n');
    assert.doesNotMatch(texts, /^\s*at .+:\d+:\d+\)?\s*$/m, 'no stack trace');
    await wb().screenshot(path.join(files.artifacts, 'hostile-cells.png'));
  }

  /**
   * SOAK_RUNS runs of one cell, each stopped after a random wait (0–1.5 s: while reading, sampling,
   * summarising, or after it ended), then one full run. Every run must end; the extension host's
   * resident memory after them grows by at most 20 % from its level after a first warm-up run, and its
   * threads come back to that level (no job worker or chain left behind).
   */
  async function soak() {
    const nb = await wb().openNotebook(files.soak);
    await nb.ensureKernel('Latent');
    const host = () => extensionHostOf(serverPid());
    let before = await nb.state();
    await nb.runCell(0);
    await nb.waitExecutionDone({ timeoutMs: 120_000, before });
    await sleep(2000);
    const start = host();
    assert.ok(start, 'the extension host process is found');
    log(`soak: extension host ${start.pid} at start: ${(start.rssKb / 1024).toFixed(0)} MB resident, ${start.threads} threads`);
    let seed = 20261205;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const outcomes = { stopped: 0, ended: 0 };
    const t0 = Date.now();
    for (let k = 0; k < SOAK_RUNS; k++) {
      await nb.runCell(0);
      await waitFor(async () => (await nb.cellInfo(0))?.state === 'executing' || (await nb.state()).toolbarStop, { timeoutMs: 20_000, message: `run ${k + 1} did not start` }).catch(() => null);
      await sleep(random() * 1500);
      const running = (await nb.cellInfo(0))?.state === 'executing';
      if (running) {
        const row = nb.row(0);
        await row.hover();
        await row.locator('.run-button-container .codicon-notebook-stop').click({ timeout: 2000 }).catch(() => {});
      }
      await waitFor(async () => {
        const info = await nb.cellInfo(0);
        return info && info.state !== 'executing' && info.state !== 'pending' && !(await nb.state()).toolbarStop;
      }, { timeoutMs: 30_000, message: `run ${k + 1} did not end within 30 s of its stop` });
      outcomes[running ? 'stopped' : 'ended']++;
    }
    const soakSeconds = (Date.now() - t0) / 1000;
    before = await nb.state();
    await nb.runCell(0);
    await nb.waitExecutionDone({ timeoutMs: 120_000, before });
    const last = await nb.cellInfo(0);
    assert.equal(last.state, 'success', 'the full run after the soak succeeds');
    await sleep(3000);
    const end = host();
    const growth = end.rssKb / start.rssKb - 1;
    log(`soak: ${SOAK_RUNS} runs in ${soakSeconds.toFixed(0)} s (${outcomes.stopped} stopped while running, ${outcomes.ended} had ended before the stop), all ended; then a full run: ${last.state}`);
    log(`soak: extension host at end: ${(end.rssKb / 1024).toFixed(0)} MB resident (${(growth * 100).toFixed(1)} % from start), ${end.threads} threads (${start.threads} at start)`);
    fs.writeFileSync(path.join(files.artifacts, 'soak.json'), JSON.stringify({ runs: SOAK_RUNS, seconds: soakSeconds, outcomes, start, end, growth }, null, 1));
    // A leak shows as growth; a fall is the garbage collector handing back what the earlier tests of this session used.
    assert.ok(growth <= 0.2, `the extension host's memory went from ${start.rssKb} to ${end.rssKb} kB`);
    assert.ok(end.threads <= start.threads, `the extension host has ${end.threads} threads after the soak, ${start.threads} before: workers were left running`);
  }

  return [
    ['a 20,000-term sum and a binary data file end with an error output, and the next cell runs', hostileCells, 5 * 60_000],
    [`soak: ${SOAK_RUNS} runs stopped at random points, then a full run; the extension host's memory and threads come back`, soak, 15 * 60_000],
  ];
}

/** Writes the hardening notebooks' extra files into the folder of the test notebooks. */
export function writeHardeningFiles(folder) {
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, GARBAGE_FILE), garbageBytes());
}
