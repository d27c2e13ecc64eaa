// What a hover shows at an offset of a Latent document. No `vscode` import, so
// that it runs (and is tested) in plain Node; hover.ts makes the Hover.
import { DISTRIBUTION_CATALOG, FUNCTION_CATALOG, describeDistribution, describeFunction } from '../../engine/language/catalog';
import { nameAt } from '../../engine/language/symbols';
import { FIT_METHOD_INFO, FIT_METHODS } from '../../engine/run/fitOptions';
import { SBC_DESCRIPTION } from '../../engine/sbc/request';
import { completionContext, runOptionInfo } from './completionLogic';

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
 * In a run directive, an algorithm of `fit with ...` and an option name of
 * the run are described too. Nothing in comments or strings, nor for unknown
 * names (the diagnostics speak about those).
 */
export function hoverAt(text: string, offset: number): HoverInfo | undefined {
  const at = nameAt(text, offset);
  if (!at) return undefined;
  const { token, next } = at;
  const range = { start: token.range.start.offset, end: token.range.end.offset };
  const run = runHover(text, range.start, token.text);
  if (run) return { markdown: run, ...range };
  const distribution = DISTRIBUTION_CATALOG.get(token.text);
  if (distribution) return { markdown: describeDistribution(distribution), ...range };
  const calls = next?.kind === 'punct' && next.text === '(';
  const fn = FUNCTION_CATALOG.get(token.text);
  if (fn && calls) return { markdown: describeFunction(fn), ...range };
  return undefined;
}

/** The description of a fit's algorithm (after `with`) or of a run option (`tol` in `em(tol = 1e-6)`), where the name stands as one. */
function runHover(text: string, start: number, name: string): string | undefined {
  const context = completionContext(text, start);
  if (context.kind === 'algorithm' && context.verb === 'calibrate') return name === 'sbc' ? `**sbc**: ${SBC_DESCRIPTION}` : undefined;
  if (context.kind === 'algorithm' && context.verb === 'fit') {
    const method = FIT_METHODS.find((m) => m === name);
    return method && `**${method}**: ${FIT_METHOD_INFO[method]}`;
  }
  if (context.kind === 'runOption') {
    const option = runOptionInfo(context.algorithm).find((o) => o.name === name);
    return option && `**${option.name}** (${context.algorithm ?? 'run'} option): ${option.description}`;
  }
  return undefined;
}
