import type { NodeDiagnostics, NodeResult, RunOutput } from '../output/runOutput';
import { flagLevel, type SbcOutput } from '../sbc/sbcOutput';

/**
 * What a finished job says about convergence, read from its output JSON only
 * (so that saved outputs, and jobs started anywhere, give the same findings).
 * The editor turns each into a diagnostic on the statement that defines its
 * nodes, or on the run directive when it is about the run as a whole.
 */

/** Stable codes: the editor's quick fixes and tests key on them. */
export type FindingCode =
  | 'rhat'
  | 'low-ess'
  | 'label-switching'
  | 'factor-rotation'
  | 'stuck-node'
  | 'sbc-rejection'
  | 'objective-decrease'
  | 'collapsed-variance'
  | 'empty-component'
  | 'singular-covariance'
  | 'mcem-noise'
  | 'not-converged';

export interface Finding {
  code: FindingCode;
  severity: 'warning' | 'info';
  /** The scalars concerned, named as JAGS names them (`mu[1]`, `p[2,3]`); empty for a finding about the whole run. */
  nodes: string[];
  /** Said of the nodes of one statement: `{nodes}` is replaced by the ones on that statement. */
  message: string;
}

/** The usual limits (Vehtari et al. 2021), as the renderer flags them. */
export const RHAT_LIMIT = 1.01;
export const ESS_LIMIT = 400;

/** Monitored nodes no sampler updates (their draws are the data, or follow from other nodes): never "stuck". */
const NOT_SAMPLED = new Set(['observed', 'data', 'deterministic', 'none']);

/** A diagnostic that could be computed: JSON writes NaN as null, and saved outputs come back with null. */
const known = (v: number | null): v is number => typeof v === 'number' && Number.isFinite(v);

export function lowEffectiveSize(d: NodeDiagnostics): boolean {
  return (known(d.ess_bulk) && d.ess_bulk < ESS_LIMIT) || (known(d.ess_tail) && d.ess_tail < ESS_LIMIT);
}

export function runFindings(output: RunOutput): Finding[] {
  if (output.status !== 'complete' && output.status !== 'cancelled') return [];
  const findings: Finding[] = [];
  const switched = new Map<string, string[]>();
  for (const node of output.nodes) {
    if (!node.labelSwitching) continue;
    switched.set(node.labelSwitching, [...(switched.get(node.labelSwitching) ?? []), node.name]);
  }
  for (const [message, nodes] of switched) {
    // The run message starts with every node of the finding; the statement's own nodes replace that list.
    const why = message.slice(message.indexOf(': ') + 2);
    findings.push({ code: 'label-switching', severity: 'warning', nodes, message: `{nodes}: ${why}` });
  }
  const rotated = new Map<string, string[]>();
  for (const node of output.nodes) if (node.factorRotation) rotated.set(node.factorRotation, [...(rotated.get(node.factorRotation) ?? []), node.name]);
  for (const [message, nodes] of rotated) {
    findings.push({ code: 'factor-rotation', severity: 'warning', nodes, message: `{nodes}: ${message.slice(message.indexOf(': ') + 2)}` });
  }
  const explained = (n: NodeResult): boolean => n.labelSwitching !== undefined || n.factorRotation !== undefined;
  const stuck = output.nodes.filter((n) => n.draws > 1 && n.summary.sd === 0 && !(NOT_SAMPLED.has(n.sampler) || n.sampler === 'finite enumeration'));
  if (stuck.length) {
    findings.push({
      code: 'stuck-node',
      severity: 'warning',
      nodes: stuck.map((n) => n.name),
      message: `{nodes}: the sampler (${[...new Set(stuck.map((n) => n.sampler))].join(', ')}) never moved it: every draw of every chain is the same. Check its initial value and prior, or the data it depends on.`,
    });
  }
  const moving = output.nodes.filter((n) => !explained(n) && !stuck.includes(n) && n.diagnostics);
  const highRhat = moving.filter((n) => known(n.diagnostics!.rhat) && n.diagnostics!.rhat >= RHAT_LIMIT);
  if (highRhat.length) {
    findings.push({
      code: 'rhat',
      severity: 'warning',
      nodes: highRhat.map((n) => n.name),
      message: `{nodes}: R-hat {rhat} ≥ ${RHAT_LIMIT}: the chains (or the halves of a chain) disagree, so they have not converged. Run longer, with more burn-in, or reparameterise.`,
    });
  }
  const lowEss = moving.filter((n) => !highRhat.includes(n) && lowEffectiveSize(n.diagnostics!));
  if (lowEss.length) {
    findings.push({
      code: 'low-ess',
      severity: 'warning',
      nodes: lowEss.map((n) => n.name),
      message: `{nodes}: effective sample size {ess} < ${ESS_LIMIT}: too few independent draws for reliable intervals. Run longer or with more chains.`,
    });
  }
  return findings;
}

export function sbcFindings(output: SbcOutput): Finding[] {
  if (output.status !== 'complete') return [];
  const level = flagLevel(output);
  const rejected = output.nodes.filter((n) => n.pValue < level);
  if (!rejected.length) return [];
  return [
    {
      code: 'sbc-rejection',
      severity: 'warning',
      nodes: rejected.map((n) => n.name),
      message: `{nodes}: simulation-based calibration rejects uniform ranks (p {p} < ${level.toPrecision(2)}, 1 % shared among ${output.nodes.length} nodes): the sampler does not draw from this node's posterior, or its labels are not identified.`,
    },
  ];
}

/** Fills `{rhat}`, `{ess}` and `{p}` with the values of the nodes on one statement. */
export function describeValues(
  message: string,
  nodes: readonly string[],
  results: { run?: ReadonlyMap<string, NodeResult>; sbc?: ReadonlyMap<string, { pValue: number }> },
): string {
  const few = (values: number[]): string => {
    const shown = values.slice(0, 4).map((v) => (Number.isFinite(v) ? v.toPrecision(3) : '–'));
    return values.length > 4 ? `${shown.join(', ')}, …` : shown.join(', ');
  };
  const run = nodes.map((n) => results.run?.get(n)?.diagnostics).filter((d) => d !== undefined);
  return message
    .replace('{rhat}', few(run.map((d) => d.rhat)))
    .replace('{ess}', few(run.map((d) => Math.min(d.ess_bulk, d.ess_tail))))
    .replace('{p}', few(nodes.map((n) => results.sbc?.get(n)?.pValue ?? Number.NaN)));
}
