/**
 * The names of the JAGS language: every distribution and function a model may
 * use, with what the editor says about them (hovers, completion) and what the
 * checker needs (argument counts, support). Parameterisations are JAGS's
 * (JAGS user manual, chapters 6 and 9). Whether the sampler can already
 * update a node of each distribution is a separate question: see
 * model/distributions.ts.
 */

export type ValueShape = 'scalar' | 'vector' | 'matrix';

export interface ParameterInfo {
  name: string;
  /** What the argument means in JAGS, for hovers. */
  meaning: string;
  shape?: ValueShape;
}

export interface DistributionInfo {
  name: string;
  parameters: ParameterInfo[];
  /** The support in words, e.g. "x > 0". */
  support: string;
  discrete: boolean;
  /** Shape of a node with this distribution. */
  shape: ValueShape;
  description: string;
  /** Takes any number of arguments, at least as many as `parameters` (dsum). */
  variadic?: boolean;
}

export interface FunctionInfo {
  name: string;
  /** [min, max] number of arguments; max = Infinity for variadic functions. */
  arity: [number, number];
  signature: string;
  description: string;
  /** Whether the function may appear on the left of `<-` as a link. */
  link?: boolean;
}

const p = (name: string, meaning: string, shape?: ValueShape): ParameterInfo => (shape ? { name, meaning, shape } : { name, meaning });

const distributionList: DistributionInfo[] = [
  { name: 'dnorm', parameters: [p('mu', 'mean'), p('tau', 'precision = 1 / variance (not the standard deviation)')], support: 'x real', discrete: false, shape: 'scalar', description: 'Normal distribution' },
  { name: 'dgamma', parameters: [p('r', 'shape'), p('lambda', 'rate = 1 / scale')], support: 'x > 0', discrete: false, shape: 'scalar', description: 'Gamma distribution, mean r / lambda' },
  { name: 'dbeta', parameters: [p('a', 'first shape, > 0'), p('b', 'second shape, > 0')], support: '0 < x < 1', discrete: false, shape: 'scalar', description: 'Beta distribution, mean a / (a + b)' },
  { name: 'dexp', parameters: [p('lambda', 'rate, mean 1 / lambda')], support: 'x ≥ 0', discrete: false, shape: 'scalar', description: 'Exponential distribution' },
  { name: 'dunif', parameters: [p('a', 'lower bound'), p('b', 'upper bound, > a')], support: 'a ≤ x ≤ b', discrete: false, shape: 'scalar', description: 'Uniform distribution' },
  { name: 'dlnorm', parameters: [p('mu', 'mean of log(x)'), p('tau', 'precision of log(x)')], support: 'x > 0', discrete: false, shape: 'scalar', description: 'Log-normal distribution: log(x) ~ dnorm(mu, tau)' },
  { name: 'dt', parameters: [p('mu', 'location'), p('tau', 'precision (inverse squared scale)'), p('k', 'degrees of freedom')], support: 'x real', discrete: false, shape: 'scalar', description: "Student's t distribution" },
  { name: 'dlogis', parameters: [p('mu', 'location'), p('tau', 'inverse scale (precision-like)')], support: 'x real', discrete: false, shape: 'scalar', description: 'Logistic distribution' },
  { name: 'ddexp', parameters: [p('mu', 'location'), p('tau', 'inverse scale')], support: 'x real', discrete: false, shape: 'scalar', description: 'Double exponential (Laplace) distribution' },
  { name: 'dweib', parameters: [p('v', 'shape'), p('lambda', 'rate: density v·lambda·x^(v−1)·exp(−lambda·x^v)')], support: 'x ≥ 0', discrete: false, shape: 'scalar', description: 'Weibull distribution (JAGS parameterisation)' },
  { name: 'dchisqr', parameters: [p('k', 'degrees of freedom')], support: 'x ≥ 0', discrete: false, shape: 'scalar', description: 'Chi-squared distribution' },
  { name: 'dpar', parameters: [p('alpha', 'shape'), p('c', 'scale: lower end of the support')], support: 'x ≥ c', discrete: false, shape: 'scalar', description: 'Pareto distribution' },
  { name: 'dpois', parameters: [p('lambda', 'mean (rate)')], support: 'x = 0, 1, 2, …', discrete: true, shape: 'scalar', description: 'Poisson distribution' },
  { name: 'dbin', parameters: [p('p', 'success probability'), p('n', 'number of trials')], support: 'x = 0, 1, …, n', discrete: true, shape: 'scalar', description: 'Binomial distribution (note the order: probability first, as in BUGS)' },
  { name: 'dbern', parameters: [p('p', 'success probability')], support: 'x = 0 or 1', discrete: true, shape: 'scalar', description: 'Bernoulli distribution' },
  { name: 'dnegbin', parameters: [p('p', 'success probability'), p('r', 'number of successes')], support: 'x = 0, 1, 2, …', discrete: true, shape: 'scalar', description: 'Negative binomial: failures before the r-th success' },
  { name: 'dcat', parameters: [p('pi', 'vector of probabilities (normalised by JAGS)', 'vector')], support: 'x = 1, …, length(pi)', discrete: true, shape: 'scalar', description: 'Categorical distribution' },
  { name: 'df', parameters: [p('n', 'numerator degrees of freedom'), p('m', 'denominator degrees of freedom')], support: 'x ≥ 0', discrete: false, shape: 'scalar', description: 'F distribution' },
  { name: 'dgen.gamma', parameters: [p('r', 'shape'), p('lambda', 'rate'), p('b', 'power: (lambda·x)^b ~ dgamma(r, 1)')], support: 'x ≥ 0', discrete: false, shape: 'scalar', description: 'Generalised gamma distribution, density b·lambda^(b·r)·x^(b·r−1)·exp(−(lambda·x)^b) / Γ(r)' },
  { name: 'dnchisqr', parameters: [p('k', 'degrees of freedom'), p('delta', 'non-centrality, ≥ 0')], support: 'x ≥ 0', discrete: false, shape: 'scalar', description: 'Non-central chi-squared distribution' },
  { name: 'dhyper', parameters: [p('n1', 'successes in the population'), p('n2', 'failures in the population'), p('m1', 'number drawn'), p('psi', 'odds ratio (1: the central hypergeometric)')], support: 'x = max(0, m1 − n2), …, min(n1, m1)', discrete: true, shape: 'scalar', description: "Non-central (Fisher's) hypergeometric distribution" },
  { name: 'dbetabin', parameters: [p('a', 'first shape, > 0'), p('b', 'second shape, > 0'), p('n', 'number of trials')], support: 'x = 0, 1, …, n', discrete: true, shape: 'scalar', description: 'Beta-binomial distribution: dbin(p, n) with p ~ dbeta(a, b)' },
  { name: 'dsum', parameters: [p('x1', 'a term'), p('x2', 'another term (any number may follow)')], support: 'x = x1 + x2 + …', discrete: false, shape: 'scalar', description: 'The sum of its arguments, observed: data that constrain a sum of nodes', variadic: true },
  { name: 'dround', parameters: [p('t', 'the value being rounded'), p('d', 'number of decimal places')], support: 'x = t rounded to d places', discrete: false, shape: 'scalar', description: 'Rounding: x is t rounded to d decimal places (rounded data)' },
  { name: 'dinterval', parameters: [p('t', 'the value being censored'), p('c', 'increasing cut points', 'vector')], support: 'x = 0, …, length(c)', discrete: true, shape: 'scalar', description: 'Interval censoring: x is the number of cut points below t' },
  { name: 'dmulti', parameters: [p('pi', 'vector of probabilities', 'vector'), p('n', 'number of trials')], support: 'counts summing to n', discrete: true, shape: 'vector', description: 'Multinomial distribution' },
  { name: 'ddirch', parameters: [p('alpha', 'vector of concentrations, > 0', 'vector')], support: 'probability vector', discrete: false, shape: 'vector', description: 'Dirichlet distribution' },
  { name: 'dmnorm', parameters: [p('mu', 'mean vector', 'vector'), p('Omega', 'precision matrix = inverse covariance', 'matrix')], support: 'x real vector', discrete: false, shape: 'vector', description: 'Multivariate normal distribution' },
  { name: 'dmnorm.vcov', parameters: [p('mu', 'mean vector', 'vector'), p('Sigma', 'covariance matrix', 'matrix')], support: 'x real vector', discrete: false, shape: 'vector', description: 'Multivariate normal distribution by its covariance matrix' },
  { name: 'dmt', parameters: [p('mu', 'location vector', 'vector'), p('Omega', 'precision-like scale matrix', 'matrix'), p('k', 'degrees of freedom, > 0')], support: 'x real vector', discrete: false, shape: 'vector', description: "Multivariate Student's t distribution" },
  { name: 'dwish', parameters: [p('R', 'scale matrix', 'matrix'), p('k', 'degrees of freedom, ≥ dimension')], support: 'positive definite matrix', discrete: false, shape: 'matrix', description: 'Wishart distribution, mean k·inverse(R)' },
];

export const DISTRIBUTION_CATALOG: ReadonlyMap<string, DistributionInfo> = new Map(distributionList.map((d) => [d.name, d]));

const f = (name: string, arity: [number, number], signature: string, description: string, link?: boolean): FunctionInfo =>
  link ? { name, arity, signature, description, link } : { name, arity, signature, description };

const functionList: FunctionInfo[] = [
  f('abs', [1, 1], 'abs(x)', 'Absolute value'),
  f('exp', [1, 1], 'exp(x)', 'Exponential'),
  f('log', [1, 1], 'log(x)', 'Natural logarithm; as a link, log(y) <- eta means y = exp(eta)', true),
  f('sqrt', [1, 1], 'sqrt(x)', 'Square root'),
  f('pow', [2, 2], 'pow(x, z)', 'x to the power z (also written x ^ z)'),
  f('ilogit', [1, 1], 'ilogit(x)', 'Inverse logit: 1 / (1 + exp(−x))'),
  f('logit', [1, 1], 'logit(p)', 'log(p / (1 − p)); as a link, logit(p) <- eta means p = ilogit(eta)', true),
  f('phi', [1, 1], 'phi(x)', 'Standard normal distribution function'),
  f('probit', [1, 1], 'probit(p)', 'Standard normal quantile; as a link, probit(p) <- eta means p = phi(eta)', true),
  f('icloglog', [1, 1], 'icloglog(x)', 'Inverse complementary log-log: 1 − exp(−exp(x))'),
  f('cloglog', [1, 1], 'cloglog(p)', 'log(−log(1 − p)); as a link, cloglog(p) <- eta means p = icloglog(eta)', true),
  f('inprod', [2, 2], 'inprod(x[], y[])', 'Inner product of two vectors'),
  f('sum', [1, 1], 'sum(x[])', 'Sum of the elements'),
  f('mean', [1, 1], 'mean(x[])', 'Mean of the elements'),
  f('sd', [1, 1], 'sd(x[])', 'Standard deviation of the elements (n − 1 denominator)'),
  f('min', [1, Infinity], 'min(x[], ...)', 'Smallest element'),
  f('max', [1, Infinity], 'max(x[], ...)', 'Largest element'),
  f('prod', [1, 1], 'prod(x[])', 'Product of the elements'),
  f('inverse', [1, 1], 'inverse(A[,])', 'Inverse of a square matrix (a vcov from a precision); matrix products are written A[,] %*% B[,]'),
  f('logdet', [1, 1], 'logdet(A[,])', 'Log determinant of a symmetric positive definite matrix'),
  f('t', [1, 1], 't(A[,])', 'Transpose; a vector becomes a one-row matrix'),
  f('equals', [2, 2], 'equals(x, y)', '1 if x = y, else 0'),
  f('step', [1, 1], 'step(x)', '1 if x ≥ 0, else 0'),
  f('ifelse', [3, 3], 'ifelse(cond, a, b)', 'a if cond is non-zero, else b'),
  f('round', [1, 1], 'round(x)', 'Nearest whole number'),
  f('trunc', [1, 1], 'trunc(x)', 'Whole-number part, towards zero'),
  f('loggam', [1, 1], 'loggam(x)', 'Log of the gamma function'),
  f('logfact', [1, 1], 'logfact(x)', 'Log of x factorial'),
  f('c', [1, Infinity], 'c(a, b, ...)', 'Joins values into a vector'),
  f('rep', [2, 2], 'rep(x, n)', 'Repeats x n times'),
  f('sin', [1, 1], 'sin(x)', 'Sine (x in radians)'),
  f('cos', [1, 1], 'cos(x)', 'Cosine (x in radians)'),
  f('tan', [1, 1], 'tan(x)', 'Tangent (x in radians)'),
  f('arcsin', [1, 1], 'arcsin(x)', 'Inverse sine, in [−π/2, π/2]'),
  f('arccos', [1, 1], 'arccos(x)', 'Inverse cosine, in [0, π]'),
  f('arctan', [1, 1], 'arctan(x)', 'Inverse tangent, in (−π/2, π/2)'),
  f('sinh', [1, 1], 'sinh(x)', 'Hyperbolic sine'),
  f('cosh', [1, 1], 'cosh(x)', 'Hyperbolic cosine'),
  f('tanh', [1, 1], 'tanh(x)', 'Hyperbolic tangent'),
  f('arcsinh', [1, 1], 'arcsinh(x)', 'Inverse hyperbolic sine'),
  f('arccosh', [1, 1], 'arccosh(x)', 'Inverse hyperbolic cosine, x ≥ 1'),
  f('arctanh', [1, 1], 'arctanh(x)', 'Inverse hyperbolic tangent, −1 < x < 1'),
  f('mexp', [1, 1], 'mexp(A[,])', 'Matrix exponential of a square matrix'),
  f('sort', [1, 1], 'sort(x[])', 'The elements in increasing order'),
  f('rank', [1, 1], 'rank(x[])', 'The rank of each element (1 = smallest)'),
  f('order', [1, 1], 'order(x[])', 'The positions of the elements in increasing order (x[order(x[])] is sorted)'),
  f('length', [1, 1], 'length(x[])', 'Number of elements'),
  f('dim', [1, 1], 'dim(A[,])', 'The dimensions, as a vector'),
  f('interp.lin', [3, 3], 'interp.lin(e, v1[], v2[])', 'Linear interpolation at e of the points (v1[k], v2[k]), v1 increasing; v2[1] or v2[n] beyond the ends'),
];

/** The families with JAGS's density, distribution and quantile functions (JAGS 4.3 has none for dbern, dunif, dbetabin, dcat). */
const WITH_DISTRIBUTION_FUNCTIONS = ['dnorm', 'dlnorm', 'dgamma', 'dchisqr', 'dgen.gamma', 'dnchisqr', 'dexp', 'dweib', 'dpar', 'dlogis', 'ddexp', 'dbeta', 'dt', 'df', 'dpois', 'dbin', 'dnegbin', 'dhyper'];

/** dD(x, …), pD(q, …) and qD(p, …) of a distribution, with its parameters as the distribution takes them. */
function distributionFunctions(d: DistributionInfo): FunctionInfo[] {
  const stem = d.name === 'ddexp' ? 'dexp' : d.name.slice(1);
  const args = d.parameters.map((q) => q.name).join(', ');
  const arity: [number, number] = [d.parameters.length + 1, d.parameters.length + 1];
  const law = `X ~ ${d.name}(${args}) (${d.description}; ${d.parameters.map((q) => `${q.name}: ${q.meaning}`).join('; ')})`;
  return [
    f(`d${stem}`, arity, `d${stem}(x, ${args})`, `${d.discrete ? 'Probability P(X = x)' : 'Density at x (not its log)'} for ${law}`),
    f(`p${stem}`, arity, `p${stem}(q, ${args})`, `Distribution function P(X ≤ q) for ${law}`),
    f(`q${stem}`, arity, `q${stem}(p, ${args})`, `Quantile: the smallest q with P(X ≤ q) ≥ p, 0 ≤ p ≤ 1, for ${law}`),
  ];
}

export const FUNCTION_CATALOG: ReadonlyMap<string, FunctionInfo> = new Map(
  [...functionList, ...WITH_DISTRIBUTION_FUNCTIONS.flatMap((name) => distributionFunctions(DISTRIBUTION_CATALOG.get(name)!))].map((fn) => [fn.name, fn]),
);

/** Markdown for a hover on a distribution's name. */
export function describeDistribution(d: DistributionInfo): string {
  const args = d.parameters.map((q) => q.name).join(', ');
  const lines = d.parameters.map((q) => `- \`${q.name}\`: ${q.meaning}`);
  const asFunction = FUNCTION_CATALOG.has(d.name) ? ['', `As a function, \`${d.name}(x, ${args})\` is the density (not its log); see also the distribution and quantile functions.`] : [];
  return [`**${d.name}(${args})** — ${d.description}`, '', ...lines, '', `Support: ${d.support}.`, ...asFunction].join('\n');
}

/** Markdown for a hover on a function's name. */
export function describeFunction(fn: FunctionInfo): string {
  return `**${fn.signature}** — ${fn.description}`;
}
