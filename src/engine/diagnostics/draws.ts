/** Draws of named scalars, one Float64Array per chain, all chains of equal length. */
export interface ParameterDraws {
  /** The name as JAGS writes it: `mu`, `theta[3]`, `Omega[1,2]`. */
  name: string;
  chains: Float64Array[];
}
