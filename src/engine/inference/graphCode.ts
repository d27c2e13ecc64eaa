import type { ModelGraph } from '../model/graph';
import { StatementCompiler } from '../model/statementCode';

const compilers = new WeakMap<ModelGraph, StatementCompiler>();

/**
 * A statement compiler over a graph's variables, one per graph, for the
 * samplers' own compiled forms of the model's expressions (stores for
 * propagations, free factors of linear terms): each expression is compiled
 * once per loop nest, and gives the values the graph's nodes give.
 */
export function statementCompiler(graph: ModelGraph): StatementCompiler {
  let compiler = compilers.get(graph);
  if (!compiler) compilers.set(graph, (compiler = new StatementCompiler(graph.variables)));
  return compiler;
}
