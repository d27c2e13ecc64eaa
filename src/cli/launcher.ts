import { join } from 'node:path';
import { keepAllocationsYoung } from '../engine/run/youngAllocation';
import { runWithCodeCache } from './codeCache';
import { prestartChains, type LauncherExports } from './jags/prestart';

/*
 * `latent`'s entry point (dist/cli.js): the command line itself is the bundle
 * cli-main.js beside it, run through V8's code cache (see codeCache.ts).
 * The chain workers of a large `latent jags` script start first
 * (jags/prestart.ts), so that their own start-up overlaps the loading of the
 * command line; main.ts finds them on this module's exports.
 * The one V8 flag set here is a heuristic's (keepAllocationsYoung): the
 * collector's own flags changed once the heap exists (for instance
 * --single-threaded-gc through v8.setFlagsFromString) can abort the process
 * in its first concurrent marking (V8's "concurrent_marking_handle_" check);
 * such a flag belongs on node's command line.
 */
const prestartedChains = prestartChains(process.argv.slice(2), { script: join(__dirname, 'sessionThread.js') });
if (prestartedChains) (module.exports as LauncherExports).prestartedChains = prestartedChains;
keepAllocationsYoung();
const { save } = runWithCodeCache(join(__dirname, 'cli-main.js'), join(__dirname, 'cli-main.cache'), { require, module });
process.once('exit', save);
