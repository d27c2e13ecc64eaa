import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readTextFile } from '../data/files';
import { readCoda } from '../output/coda';
import type { ParameterDraws } from './draws';
import { DrawsInputError, joinStanChains, readStanCsv } from './stanCsv';

export type DrawFileKind = 'stan-csv' | 'coda-index' | 'coda-chain';

interface TextFile {
  name: string;
  text: string;
}

export interface LoadedDraws {
  format: 'Stan CSV' | 'CODA';
  /** The files read, chain files included. */
  files: string[];
  parameters: ParameterDraws[];
}

/**
 * What a file of draws is, from its first line that is not blank or a `#`
 * comment: a Stan CSV header has commas, a CODA index line is a name and two
 * line numbers, a CODA chain line an iteration number and a value.
 */
export function kindOfDrawFile(text: string): DrawFileKind | undefined {
  const line = text.split('\n').find((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  if (line === undefined) return undefined;
  if (line.includes(',')) return 'stan-csv';
  const fields = line.trim().split(/\s+/);
  if (fields.length === 3 && /^\d+$/.test(fields[1]!) && /^\d+$/.test(fields[2]!)) return 'coda-index';
  if (fields.length === 2 && Number.isFinite(Number(fields[0])) && !Number.isNaN(Number(fields[1]))) return 'coda-chain';
  return undefined;
}

/**
 * Reads the draws of another sampler: one Stan CSV file per chain, or a CODA
 * index with its chain files. Given only the index, the chain files are found
 * beside it (CODAindex.txt → CODAchain1.txt, CODAchain2.txt, …); given only
 * chain files, the index is. Throws ModelError for a problem at a line of a
 * file, DrawsInputError for files that do not fit together, and node's error
 * for a file that cannot be read.
 */
export function loadDrawFiles(paths: string[], readFile: (path: string) => string = readTextFile, exists: (path: string) => boolean = existsSync): LoadedDraws {
  if (paths.length === 0) throw new DrawsInputError('Give the files to diagnose: Stan CSV files (one per chain) or a CODA index file.');
  const files = paths.map((path) => ({ path, text: readFile(path) }));
  const kinds = files.map((f) => {
    const kind = kindOfDrawFile(f.text);
    if (!kind) throw new DrawsInputError(`${f.path} is neither a Stan CSV file nor a CODA index or chain file.`);
    return kind;
  });
  const stan = files.filter((_, k) => kinds[k] === 'stan-csv');
  if (stan.length === files.length) {
    return { format: 'Stan CSV', files: paths, parameters: joinStanChains(stan.map((f) => readStanCsv(f.text, f.path))) };
  }
  if (stan.length > 0) {
    const other = files.find((_, k) => kinds[k] !== 'stan-csv')!;
    throw new DrawsInputError(`${stan[0]!.path} is a Stan CSV file but ${other.path} is a CODA file; diagnose one sampler's output at a time.`);
  }
  const indexes = files.filter((_, k) => kinds[k] === 'coda-index');
  let chains: TextFile[] = files.filter((_, k) => kinds[k] === 'coda-chain').map((f) => ({ name: f.path, text: f.text }));
  if (indexes.length > 1) throw new DrawsInputError(`${indexes[0]!.path} and ${indexes[1]!.path} are both CODA index files; give one run at a time.`);
  let index: TextFile;
  if (indexes.length === 1) {
    index = { name: indexes[0]!.path, text: indexes[0]!.text };
  } else {
    const guess = siblingIndex(chains[0]!.name);
    if (!guess || !exists(guess)) throw new DrawsInputError(`${chains[0]!.name} is a CODA chain file; give its index file too (JAGS writes CODAindex.txt beside CODAchain1.txt).`);
    index = { name: guess, text: readFile(guess) };
  }
  if (chains.length === 0) {
    chains = siblingChains(index.name, exists).map((path) => ({ name: path, text: readFile(path) }));
    if (chains.length === 0) throw new DrawsInputError(`No chain files found beside ${index.name}: give them after the index (e.g. CODAchain1.txt CODAchain2.txt).`);
  }
  // A scalar without draws (JAGS writes `last = first − 1` for it) has nothing to diagnose.
  const parameters = readCoda(index, chains)
    .filter((series) => series.chains[0]!.values.length > 0)
    .map((series) => ({ name: series.name, chains: series.chains.map((c) => c.values) }));
  return { format: 'CODA', files: [index.name, ...chains.map((c) => c.name)], parameters };
}

/** CODAchain2.txt → CODAindex.txt (any name with `chain<N>` in its file name). */
function siblingIndex(chainPath: string): string | undefined {
  const name = basename(chainPath);
  const renamed = name.replace(/chain\d+/i, (m) => (m.startsWith('CHAIN') ? 'INDEX' : m.startsWith('Chain') ? 'Index' : 'index'));
  return renamed === name ? undefined : join(dirname(chainPath), renamed);
}

/** CODAindex.txt → CODAchain1.txt, CODAchain2.txt, … as long as they exist. */
function siblingChains(indexPath: string, exists: (path: string) => boolean): string[] {
  const name = basename(indexPath);
  const match = /index/i.exec(name);
  if (!match) return [];
  const chain = match[0] === 'INDEX' ? 'CHAIN' : match[0] === 'Index' ? 'Chain' : 'chain';
  const found: string[] = [];
  for (let k = 1; ; k++) {
    const path = join(dirname(indexPath), name.slice(0, match.index) + chain + k + name.slice(match.index + 5));
    if (!exists(path)) return found;
    found.push(path);
  }
}
