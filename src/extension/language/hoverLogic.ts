// What a hover shows at an offset of a Latent document. No `vscode` import, so
// that it runs (and is tested) in plain Node; hover.ts makes the Hover.
import { DISTRIBUTION_CATALOG, FUNCTION_CATALOG, describeDistribution, describeFunction } from '../../engine/language/catalog';
import { nameAt } from '../../engine/language/symbols';

export interface HoverInfo {
  /** Markdown: the parameterisation and what each argument means in JAGS. */
  markdown: string;
  /** The name hovered, [start, end) in offsets. */
  start: number;
  end: number;
}

/**
 * The description of the distribution or function named at `offset`. A
 * distribution's name is described wherever it stands (after `~`, or called
 * by mistake as a function); a function's only where it is called (followed
 * by `(`), so that a node named `t` or `step` is not taken for the function.
 * Nothing in comments or strings, nor for unknown names (the diagnostics
 * speak about those).
 */
export function hoverAt(text: string, offset: number): HoverInfo | undefined {
  const at = nameAt(text, offset);
  if (!at) return undefined;
  const { token, next } = at;
  const range = { start: token.range.start.offset, end: token.range.end.offset };
  const distribution = DISTRIBUTION_CATALOG.get(token.text);
  if (distribution) return { markdown: describeDistribution(distribution), ...range };
  const calls = next?.kind === 'punct' && next.text === '(';
  const fn = FUNCTION_CATALOG.get(token.text);
  if (fn && calls) return { markdown: describeFunction(fn), ...range };
  return undefined;
}
