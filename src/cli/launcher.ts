import { join } from 'node:path';
import { runWithCodeCache } from './codeCache';

/*
 * `latent`'s entry point (dist/cli.js): the command line itself is the bundle
 * cli-main.js beside it, run through V8's code cache (see codeCache.ts).
 * No V8 flag is set here: flags changed once the heap exists (for instance
 * --single-threaded-gc through v8.setFlagsFromString) can abort the process
 * in its first concurrent marking (V8's "concurrent_marking_handle_" check);
 * a flag the run needs belongs on node's command line.
 */
const { save } = runWithCodeCache(join(__dirname, 'cli-main.js'), join(__dirname, 'cli-main.cache'), { require, module });
process.once('exit', save);
