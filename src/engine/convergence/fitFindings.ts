import type { FitOutput } from '../output/fitOutput';
import type { Finding } from './findings';

/**
 * What a finished EM-family fit says about its convergence, from its output:
 * the iteration limit reached, a decrease of plain EM's objective, Monte-Carlo
 * EM's noisy objective, and the kernels' and the conditionals' messages
 * (empty component, singular covariance, collapsed variance).
 */
/** Relative decrease of plain EM's objective that is more than rounding (as the mixture kernel's check). */
const DECREASE_TOLERANCE = 1e-9;
/** Monte-Carlo EM's last iterations looked at for noise. */
const NOISE_WINDOW = 10;

export function fitFindings(output: FitOutput): Finding[] {
  if (output.status === 'running' || output.status === 'failed') return [];
  const findings: Finding[] = [];
  const method = output.settings.method;
  if (output.status === 'max-iterations' && method !== 'online.em') {
    findings.push({
      code: 'not-converged',
      severity: 'warning',
      nodes: [],
      message: `The fit stopped at the iteration limit (${output.settings.maxIterations}) before the objective settled (tolerance ${output.settings.tolerance} per row): the estimates may still move. Raise maxIterations.`,
    });
  }
  const values = output.objective.values;
  if (method === 'em' || method === 'ecm') {
    for (let i = 1; i < values.length; i++) {
      const drop = values[i - 1]! - values[i]!;
      if (drop > DECREASE_TOLERANCE * Math.max(1, Math.abs(values[i - 1]!))) {
        findings.push({
          code: 'objective-decrease',
          severity: 'warning',
          nodes: [],
          message: `The objective decreased by ${drop.toPrecision(3)} at iteration ${i}: plain EM never decreases it, so this is a numerical problem (a nearly singular covariance) or a bug.`,
        });
        break;
      }
    }
  }
  if (method === 'mcem' && values.length > 2) {
    const tail = values.slice(-NOISE_WINDOW);
    const falls = tail.slice(1).filter((v, i) => v < tail[i]!).length;
    if (falls > 0) {
      const spread = Math.max(...tail) - Math.min(...tail);
      findings.push({
        code: 'mcem-noise',
        severity: 'info',
        nodes: [],
        message: `Monte-Carlo EM: over the last ${tail.length} iterations the objective fell ${falls} time(s) and spans ${spread.toPrecision(3)}: the E-step's draws are noisy. More sweeps per E-step make the estimates steadier.`,
      });
    }
  }
  for (const m of output.messages) {
    // Kernels give a code; the conjugate-conditional EM says it in words.
    if (m.code === 'empty-component' || (!m.code && /^Component \d+ is empty/.test(m.message))) {
      findings.push({ code: 'empty-component', severity: 'warning', nodes: emptyComponentNodes(output), message: m.message });
    } else if (m.code === 'singular-covariance' || (!m.code && /^The covariance of component \d+ is singular/.test(m.message))) {
      findings.push({ code: 'singular-covariance', severity: 'warning', nodes: [], message: m.message });
    } else if (/collapsed to 0/.test(m.message)) {
      const node = /^([A-Za-z_.][A-Za-z0-9_.]*(?:\[[^\]]*\])?):/.exec(m.message)?.[1];
      findings.push({ code: 'collapsed-variance', severity: 'warning', nodes: node ? [node] : [], message: node ? `{nodes}${m.message.slice(node.length)}` : m.message });
    }
  }
  return findings;
}

/** An empty component is the mixture's: shown on the indicator's statement when the fit names one. */
function emptyComponentNodes(output: FitOutput): string[] {
  return output.assignments ? [`${output.assignments.node}[1]`] : [];
}
