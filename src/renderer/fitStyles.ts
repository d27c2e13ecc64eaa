/** The fit view's own styles, added to the run view's stylesheet (styles.ts) whose header, messages and tables it shares. */

import { PLOT_HEIGHT } from './figures';
import { BOUND_HEIGHT } from './emBoundFigure';
import { MIXTURE_HEIGHT } from './fitFigures';

export const FIT_STYLES = `
.latent-run.latent-fit .latent-fit-roles {
  color: var(--vscode-descriptionForeground);
  font-size: 0.92em;
}
.latent-run.latent-fit .latent-fit-roles:empty { display: none; }
.latent-run.latent-fit .latent-fit-curves {
  display: flex;
  flex-wrap: wrap;
  column-gap: 8px;
}
.latent-run.latent-fit .latent-fit-curves[hidden],
.latent-run.latent-fit .latent-fit-mixture[hidden],
.latent-run.latent-fit .latent-fit-bound[hidden],
.latent-run.latent-fit .latent-fit-densities[hidden],
.latent-run.latent-fit .latent-table-wrap[hidden] { display: none; }
.latent-run.latent-fit .latent-fit-objective,
.latent-run.latent-fit .latent-fit-gap {
  flex: 1 1 300px;
  min-width: 0;
  height: ${PLOT_HEIGHT}px;
}
.latent-run.latent-fit .latent-fit-bound {
  height: ${BOUND_HEIGHT}px;
  max-width: 900px;
}
.latent-run.latent-fit .latent-fit-mixture {
  height: ${MIXTURE_HEIGHT}px;
}
.latent-run.latent-fit .latent-fit-densities {
  max-width: 900px;
}
.latent-run.latent-fit .latent-fit-tables {
  display: flex;
  flex-wrap: wrap;
  align-items: flex-start;
  gap: 6px 24px;
}
.latent-run.latent-fit table.latent-fit-summary td:last-child {
  text-align: left;
}
`;
