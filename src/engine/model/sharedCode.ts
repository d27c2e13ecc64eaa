/**
 * Factories of generated code, one per source text, shared by every graph
 * compiled in this thread. A factory made by `new Function` is a new script
 * each time, so before this each chain's statements were functions of their
 * own, and V8 optimised the second chain's from nothing after optimising the
 * first's (the JIT's warm-up is most of a classic example's run). Closures
 * that one factory returns share V8's feedback and optimised code: chain 2
 * runs the code chain 1 has warmed, with its own arrays bound as arguments.
 */
type Factory = (...values: unknown[]) => unknown;

const factories = new Map<string, Factory>();

/** Enough for the largest models' statements; past it the cache starts again rather than growing with every model a long session compiles. */
const MOST_FACTORIES = 4096;

/** The factory for `body` with the arguments `names`, made once per text. */
export function sharedFactory(names: readonly string[], body: string): Factory {
  const key = `${names.join(',')}\n${body}`;
  let factory = factories.get(key);
  if (!factory) {
    if (factories.size >= MOST_FACTORIES) factories.clear();
    factory = new Function(...names, body) as Factory;
    factories.set(key, factory);
  }
  return factory;
}
