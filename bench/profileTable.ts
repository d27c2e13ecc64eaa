/**
 * Where the engine's time goes in a benchmark run: reads V8 CPU profiles
 * (node --cpu-prof) of the bundled engine and prints the functions with the
 * largest self and inclusive time, named by their TypeScript source file and
 * line (through the bundle's source map).
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof dist/bench/mcmc.js --dir WORKDIR
 *   node --import tsx bench/profileTable.ts /tmp/prof/*.cpuprofile [--under runChain] [--top 25]
 *
 * Each chain's worker thread writes its own profile; profiles without the
 * `--under` function (the coordinating thread) are left out. With `--under`,
 * shares are of the time spent inside that function (runChain: sampling only,
 * without parsing and compiling the model).
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const repoRoot = resolve(__dirname, '..');
const maps = new Map<string, SourceMap | null>();

function sourceMapOf(url: string): SourceMap | null {
  if (!maps.has(url)) {
    let map: SourceMap | null = null;
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${fileURLToPath(url)}.map`, 'utf8')));
    } catch {
      map = null;
    }
    maps.set(url, map);
  }
  return maps.get(url)!;
}

/** `function file:line` in the TypeScript sources when the bundle's map knows the place. */
function label(frame: ProfileNode['callFrame']): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url.startsWith('file:')) return frame.url ? `${name} ${frame.url}` : name;
  const map = sourceMapOf(frame.url);
  const entry = map?.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string; originalLine?: number } | undefined;
  if (entry?.originalSource) {
    // The map names sources relative to dist/bench/; the bundle may have been copied elsewhere (bench/run.ts does).
    const file = entry.originalSource.startsWith('file:') ? relative(repoRoot, fileURLToPath(entry.originalSource)) : entry.originalSource.replace(/^(\.\.\/)+/, '');
    return `${name} ${file}:${(entry.originalLine ?? 0) + 1}`;
  }
  return `${name} ${relative(repoRoot, fileURLToPath(frame.url))}:${frame.lineNumber + 1}`;
}

function main(): void {
  const argv = process.argv.slice(2);
  const option = (name: string): string | undefined => {
    const k = argv.indexOf(name);
    return k >= 0 ? argv[k + 1] : undefined;
  };
  const under = option('--under');
  const top = Number(option('--top') ?? 25);
  const files = argv.filter((a, k) => a.endsWith('.cpuprofile') && argv[k - 1] !== '--under' && argv[k - 1] !== '--top');
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const labels = new Map(profile.nodes.map((n) => [n.id, label(n.callFrame)]));
    profile.samples.forEach((id, k) => {
      const dt = profile.timeDeltas[k] ?? 0;
      const stack: string[] = [];
      let inside = under === undefined;
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        stack.push(labels.get(at)!);
        if (under !== undefined && byId.get(at)!.callFrame.functionName === under) inside = true;
      }
      const leaf = byId.get(id)!.callFrame.functionName;
      if (!inside || leaf === '(idle)' || leaf === '(program)') return;
      total += dt;
      self.set(stack[0]!, (self.get(stack[0]!) ?? 0) + dt);
      for (const l of new Set(stack)) inclusive.set(l, (inclusive.get(l) ?? 0) + dt);
    });
  }
  const print = (title: string, table: Map<string, number>): void => {
    process.stdout.write(`${title}\n`);
    for (const [l, t] of [...table].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      process.stdout.write(`${((100 * t) / total).toFixed(1).padStart(6)} %  ${l}\n`);
    }
  };
  process.stdout.write(`${(total / 1e6).toFixed(2)} s of samples${under ? ` inside ${under}` : ''} in ${files.length} profile(s)\n`);
  print('self time', self);
  print('inclusive time', inclusive);
}

main();
