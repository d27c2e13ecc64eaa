/**
 * Every family's statistics buffer starts the same way, so that the driver
 * and the thread pool read objectives and counts without knowing the family:
 * [total log-likelihood, annealed objective, counts (K), family-specific moments…].
 */
export const STAT_LOG_LIKELIHOOD = 0;
export const STAT_TEMPERED = 1;
export const STAT_COUNTS = 2;
