import type { TextEdit } from '../../../src/engine/convergence/quickFixes';

/** The label-switching mixture of examples/diagnostics/convergence.ipynb, with a shortened data list. */
export const MIXTURE_CELL = `model mixture {
  mu[1] ~ dnorm(0, 0.01)
  mu[2] ~ dnorm(0, 0.01)
  tau ~ dgamma(2, 2)
  p[1:2] ~ ddirch(alpha[])
  for (i in 1:N) {
    z[i] ~ dcat(p[])
    y[i] ~ dnorm(mu[z[i]], tau)
  }
}
data list(N = 3, alpha = c(1, 1), y = c(0, 4, 0.5))
sample with gibbs(chains = 4, burnin = 500, iterations = 2000, seed = 8, monitor = c(mu, p, tau))`;

/** Applies edits (computed on `text`) from the last to the first, as a WorkspaceEdit does. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  return [...edits].sort((a, b) => b.start - a.start).reduce((t, e) => t.slice(0, e.start) + e.text + t.slice(e.end), text);
}
