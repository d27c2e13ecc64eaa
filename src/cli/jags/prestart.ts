import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { freeThreads } from '../freeCores';
import { nodesWorthWorkers, startChainsEarly, type ChainThreadSettings, type EarlyChainThreads } from './chainPlacement';
import { parseScript } from './script';

/** What the CLI's launcher (cli/launcher.ts) leaves on its module's exports for the command line it then loads (cli/main.ts). */
export interface LauncherExports {
  prestartedChains?: EarlyChainThreads;
}

/**
 * The chain workers of `latent jags SCRIPT.cmd`, started by the launcher
 * before it loads the engine when the script looks large enough to want them
 * (startChainsEarly's test, on the numbers in the script's data files). A
 * worker takes 50–80 ms to run its first line of JavaScript and then loads
 * the engine too: started here, that overlaps this thread's loading of the
 * engine (about 50 ms) instead of following it. Anything this cannot read or
 * parse starts nothing: the command line reports it. The compiled model
 * still decides whether the workers are used. `argv` is the command line's
 * (`jags SCRIPT.cmd [--threads n] ...`); its --threads overrides `settings`'.
 */
export function prestartChains(argv: readonly string[], settings: ChainThreadSettings): EarlyChainThreads | undefined {
  const [command, file, ...rest] = argv;
  if (command !== 'jags' || file === undefined) return undefined;
  // Threads first: on a busy machine (one thread free) nothing else is read.
  const at = rest.indexOf('--threads');
  const threads = at >= 0 ? Number(rest[at + 1]) : (settings.threads ?? freeThreads());
  if (!(Number.isInteger(threads) && threads >= 2)) return undefined;
  try {
    const commands = parseScript(readFileSync(file, 'utf8'));
    const compile = commands.find((c) => c.kind === 'compile');
    if (!compile) return undefined;
    const folder = dirname(resolve(file));
    // Counted only as far as the test needs: a script with large data files is not held up here.
    const enough = nodesWorthWorkers(commands, settings);
    let values = 0;
    for (const c of commands) {
      if (c === compile || values >= enough) break;
      if (c.kind === 'data in') values += numbersIn(readFileSync(resolve(folder, c.file.path), 'latin1'), enough - values);
    }
    return startChainsEarly(commands, values, compile.chains, { ...settings, threads });
  } catch {
    return undefined;
  }
}

/**
 * The numbers a data file's text holds (R dump, JSON or CSV), NA included,
 * up to `most`: the count of values the interpreter's own guess takes from
 * the parsed files, give or take an array's few dimensions.
 */
export function numbersIn(text: string, most = Number.POSITIVE_INFINITY): number {
  const number = /(?<![\w.])(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|\bNA\b/g;
  let count = 0;
  while (count < most && number.exec(text)) count++;
  return count;
}
