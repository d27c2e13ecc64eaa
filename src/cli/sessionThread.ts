import { join } from 'node:path';
import { runWithCodeCache } from './codeCache';

/*
 * The worker thread a `latent jags` session runs chains in (dist/sessionThread.js):
 * the engine's session worker, sessionWorker.js beside it, run through V8's code
 * cache as the CLI itself is (codeCache.ts). The worker writes the cache when the
 * session closes it, before the process ends.
 */
const { save } = runWithCodeCache(join(__dirname, 'sessionWorker.js'), join(__dirname, 'sessionWorker.cache'), { require, module });
(module.exports as { codeCache: { save: () => void } }).codeCache.save = save;
