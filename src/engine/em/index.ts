/**
 * The EM family for finite mixtures, as the engine's model graph drives it:
 * a mixture pattern in the graph (dcat over a data plate with dmnorm or
 * dbern children and ddirch/dmnorm/dwish/dbeta priors) maps to a
 * MixtureProblem; fitMixture runs batch EM (restarts, annealing, threads)
 * and fitMixtureOnline streams minibatches from a RowBlockSource.
 */
export { fitMixture, DECREASE_TOLERANCE } from './fitMixture';
export { fitMixtureOnline, rowBlocksOf } from './online';
export type { OnlineFit, OnlineMixtureSpec, OnlineOptions, OnlineOutcome, OnlineStepReport, RowBlock, RowBlockSource } from './online';
export type * from './types';
