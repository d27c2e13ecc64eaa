/**
 * Depth-first search over the nodes 0 … count − 1 along the edges to their
 * parents, without recursion: a chain of definitions (c[i] <- c[i-1] + 1, or
 * a stochastic recursion) may be as long as the data. `finished(k)` is called
 * once per node, after all its parents (so the calls give a topological order);
 * `cycle(k, p)` when node k reads p while p is on the current path (a directed
 * cycle closes there). Parents are asked for once per node.
 */
export function depthFirst(
  count: number,
  parentsOf: (k: number) => readonly number[],
  visit: { cycle: (k: number, p: number) => void; finished?: (k: number) => void },
): void {
  const state = new Uint8Array(count); // 0 new, 1 on the current path, 2 done
  for (let root = 0; root < count; root++) {
    if (state[root]) continue;
    const stack: Array<{ k: number; parents: readonly number[]; next: number }> = [{ k: root, parents: parentsOf(root), next: 0 }];
    state[root] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      if (top.next >= top.parents.length) {
        state[top.k] = 2;
        visit.finished?.(top.k);
        stack.pop();
        continue;
      }
      const p = top.parents[top.next++]!;
      if (state[p] === 1) visit.cycle(top.k, p);
      else if (state[p] === 0) {
        state[p] = 1;
        stack.push({ k: p, parents: parentsOf(p), next: 0 });
      }
    }
  }
}
