// The quick fixes offered on a convergence finding, as text edits on the
// notebook's cells. No `vscode` import: codeActions.ts makes the WorkspaceEdits.
import { addToMonitor, orderingConstraint, runOptionValue, setRunOption, type TextEdit } from '../../engine/convergence/quickFixes';
import type { CellPlacement } from './jobFindings';

export interface QuickFix {
  title: string;
  /** Edits by cell key; computed on the cells' current texts. */
  edits: { target: string; edit: TextEdit }[];
  preferred?: boolean;
}

/** Chains at most (the run reader's limit). */
const MAX_CHAINS = 64;

/**
 * The fixes for one placed finding. `siblings` are the placements of the same
 * finding on other statements (a label switching spans the means and the
 * weights; the ordering goes on the means). `textOf` gives a cell's current text.
 */
export function quickFixesFor(placement: CellPlacement, siblings: readonly CellPlacement[], textOf: (key: string) => string | undefined): QuickFix[] {
  const fixes: QuickFix[] = [];
  const directiveText = textOf(placement.directive);
  const option = (title: string, name: string, value: number | undefined): void => {
    if (directiveText === undefined || value === undefined || !Number.isFinite(value)) return;
    const edit = setRunOption(directiveText, name, String(value));
    if (edit) fixes.push({ title: `${title}: ${name} = ${value}`, edits: [{ target: placement.directive, edit }] });
  };
  const s = placement.settings;
  const current = (name: string, fallback: number | undefined): number | undefined => (directiveText !== undefined ? runOptionValue(directiveText, name) : undefined) ?? fallback;
  const code = placement.finding.code;
  if (s.verb === 'sample' && (code === 'rhat' || code === 'low-ess' || code === 'label-switching' || code === 'stuck-node')) {
    const iterations = current('iterations', s.iterations);
    const burnin = current('burnin', s.burnin);
    const chains = current('chains', s.chains);
    if (code !== 'label-switching') option('Run longer', 'iterations', iterations && 2 * iterations);
    if (code === 'rhat' || code === 'stuck-node') option('More burn-in', 'burnin', burnin !== undefined ? Math.max(2 * burnin, 1000) : undefined);
    if (code !== 'stuck-node' && chains !== undefined && chains < MAX_CHAINS) option('More chains', 'chains', Math.min(MAX_CHAINS, 2 * chains));
  }
  if (s.verb === 'calibrate' && code === 'sbc-rejection') option('More burn-in per simulation', 'burnin', s.burnin && 2 * current('burnin', s.burnin)!);
  if (s.verb === 'fit' && code === 'not-converged') option('Run longer', 'max.iter', s.maxIterations && 2 * current('max.iter', s.maxIterations)!);
  if (s.verb === 'fit' && code === 'mcem-noise') option('More sweeps per E-step', 'sweeps', 2 * (current('sweeps', s.sweeps) ?? 10));
  if (code === 'label-switching' || code === 'sbc-rejection') {
    const ordering = orderingFix(placement, siblings, textOf);
    if (ordering) fixes.unshift(ordering);
  }
  const monitor = monitorFix(placement, textOf);
  if (monitor) fixes.push(monitor);
  return fixes;
}

/** Orders the first variable of the finding whose prior allows it (the mixture's means), in the model's cell. */
function orderingFix(placement: CellPlacement, siblings: readonly CellPlacement[], textOf: (key: string) => string | undefined): QuickFix | undefined {
  const modelText = textOf(placement.target);
  if (modelText === undefined) return undefined;
  const variables = [...new Set([placement, ...siblings].filter((p) => p.target === placement.target).map((p) => p.finding.variable))];
  for (const variable of variables) {
    if (!variable) continue;
    const edits = orderingConstraint(modelText, variable);
    if (!edits) continue;
    return {
      title: `Break the label switching: order ${variable} (${variable}[k] = ${variable}[k - 1] + a positive gap, as in the Eyes example)`,
      edits: edits.map((edit) => ({ target: placement.target, edit })),
      preferred: true,
    };
  }
  return undefined;
}

/** Adds the finding's variable to a run's `monitor = c(...)` that leaves it out: the model cell's own run, else the job's. */
function monitorFix(placement: CellPlacement, textOf: (key: string) => string | undefined): QuickFix | undefined {
  const variable = placement.finding.variable;
  if (!variable) return undefined;
  for (const target of new Set([placement.target, placement.directive])) {
    const text = textOf(target);
    const edit = text !== undefined ? addToMonitor(text, variable) : undefined;
    if (edit) return { title: `Monitor ${variable}`, edits: [{ target, edit }] };
  }
  return undefined;
}
