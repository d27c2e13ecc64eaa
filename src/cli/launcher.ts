import { join } from 'node:path';
import { runWithCodeCache } from './codeCache';
import { chooseCollector } from './collector';

/*
 * `latent`'s entry point (dist/cli.js): the command line itself is the bundle
 * cli-main.js beside it, run through V8's code cache (see codeCache.ts), with
 * the garbage collector chosen for the machine's load (collector.ts).
 */
chooseCollector();
const { save } = runWithCodeCache(join(__dirname, 'cli-main.js'), join(__dirname, 'cli-main.cache'), { require, module });
process.once('exit', save);
