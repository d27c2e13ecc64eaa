import { join } from 'node:path';
import { runWithCodeCache } from './codeCache';

/*
 * `latent`'s entry point (dist/cli.js): the command line itself is the bundle
 * cli-main.js beside it, run through V8's code cache (see codeCache.ts).
 */
const { save } = runWithCodeCache(join(__dirname, 'cli-main.js'), join(__dirname, 'cli-main.cache'), { require, module });
process.once('exit', save);
