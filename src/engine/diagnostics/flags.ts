/**
 * The usual thresholds (Vehtari et al. 2021): trust a summary when R-hat is
 * below 1.01 and both bulk and tail ESS are at least 400 (100 per chain for
 * four chains). A value that could not be computed (NaN) is not flagged: the
 * tables show it as missing instead.
 */
export const RHAT_LIMIT = 1.01;
export const ESS_LIMIT = 400;

export function rhatFlagged(rhat: number): boolean {
  return rhat >= RHAT_LIMIT;
}

export function essFlagged(ess: number): boolean {
  return ess < ESS_LIMIT;
}

/** Whether any of a node's R-hat, bulk or tail ESS is flagged. */
export function needsAttention(d: { rhat: number; ess_bulk: number; ess_tail: number }): boolean {
  return rhatFlagged(d.rhat) || essFlagged(d.ess_bulk) || essFlagged(d.ess_tail);
}
