import { errorAt } from '../language/source';
import { compileArrayValue } from './arrayValues';
import type { BoundInstance } from './bind';
import type { ElementRef, ExpressionCompiler } from './expressions';
import { rangeName, Role, type DeterministicNode } from './graph';
import { frameParts } from './loopFrame';
import { InterpretedDeterministicNode, type DefinitionRecord } from './nodeRecords';

/**
 * A vector- or matrix-valued deterministic relation (`Sigma[1:2, 1:2] <-
 * inverse(Omega[,])`, `mu[1:K] <- B[,] %*% x[]`, `r[j, ] <- y[i, ]`): one
 * deterministic node per element, as JAGS names them. The first element
 * computes the whole value into a shared buffer and the others read their
 * entry; each later element reads the first, so that every topological order
 * computes the first before them.
 */
export function defineArrayNodes(instance: BoundInstance, compiler: ExpressionCompiler, deterministic: DeterministicNode[]): Array<{ node: DeterministicNode; reads: ElementRef[] }> {
  const { statement, scope, variable, offsets } = instance;
  if (statement.kind !== 'deterministic') throw errorAt(statement.range, 'Only a deterministic relation defines a computed array.');
  const target = statement.target;
  if (target.link) throw errorAt(target.range, `A link function (${target.link}) applies to one element at a time: define ${target.name} element by element in a loop.`);
  const value = compileArrayValue(compiler, statement.value, scope);
  const size = value.dims.reduce((a, b) => a * b, 1);
  if (size !== offsets.length) {
    throw errorAt(statement.range, `${rangeName(variable, offsets)} has ${offsets.length} element(s) but the right-hand side gives ${value.dims.join(' × ')} = ${size}.`);
  }
  const buffer = new Float64Array(size);
  const first: ElementRef = { variable, offset: offsets[0]! };
  const definition: DefinitionRecord = { variable, statement, code: undefined, loopVariable: frameParts(scope).loopVariable };
  return offsets.map((offset, k) => {
    const evaluate = k === 0 ? (): number => (value.evaluate(buffer), buffer[0]!) : (): number => buffer[k]!;
    const node: DeterministicNode = new InterpretedDeterministicNode(deterministic.length, offset, definition, scope, evaluate);
    deterministic.push(node);
    variable.role[offset] = Role.Deterministic;
    variable.node[offset] = node.id;
    return { node, reads: k === 0 ? value.reads : [first] };
  });
}
