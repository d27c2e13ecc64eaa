#!/usr/bin/python3
"""Old Faithful with K = 6 and a small Dirichlet concentration (Bishop, PRML §10.2, fig. 10.6), by the peers.

usage: /usr/bin/python3 bench/viFaithfulPeers.py [examples/vi/faithful.csv] > test/fixtures/vi/faithful-k6-peers.json

The model is examples/vi/faithful-bayesian-mixture.ipynb's: w ~ Dirichlet(0.01 each), mu_k ~ N((3, 70),
precision 1e-3 I), Omega_k ~ Wishart(3, I) (JAGS's dwish(I, 3): E[Omega] = 3 I), z_i ~ Categorical(w).
- BayesPy 0.5.22: the same model, from the start START below (means; precisions I; weights 1/6), update
  order z, w, mu, Omega (the order the mixture kernel uses), Q.update(repeat=2000, tol=1e-12): its bound
  per iteration, E[w] and each component's expected rows.
- scikit-learn 1.2.1 BayesianGaussianMixture(weight_concentration_prior_type="dirichlet_distribution",
  weight_concentration_prior=0.01, 6 components): its model has a Normal-Wishart prior (mean precision
  beta * Omega, beta = 1e-3 / 3 here so that the prior sd of the mean is comparable), not independent
  factors, so only the number of components it keeps and their weights are compared. k-means start,
  n_init = 10, random_state = 0.
"""
import json, sys, warnings
import numpy as np
warnings.filterwarnings("ignore")
path = sys.argv[1] if len(sys.argv) > 1 else "examples/vi/faithful.csv"
X = np.loadtxt(path, delimiter=",", skiprows=1)
N, D = X.shape
K = 6
# Six starting means over the data's range (eruptions in minutes, waiting in minutes), none at a cluster's centre.
START = [[1.8, 50.0], [2.5, 60.0], [3.0, 70.0], [3.8, 75.0], [4.3, 85.0], [5.0, 90.0]]

from bayespy.nodes import Dirichlet, Categorical, Gaussian, Wishart, Mixture
from bayespy.inference import VB
np.random.seed(0)
w = Dirichlet(0.01 * np.ones(K)); z = Categorical(w, plates=(N,))
mu = Gaussian(np.array([3.0, 70.0]), 1e-3 * np.identity(D), plates=(K,)); Lam = Wishart(3, np.identity(D), plates=(K,))
Y = Mixture(z, Gaussian, mu, Lam); Y.observe(X)
mu.initialize_from_value(np.array(START)); Lam.initialize_from_value(np.tile(np.identity(D), (K, 1, 1)))
w.initialize_from_value(np.ones(K) / K)
Q = VB(Y, z, w, mu, Lam)
Q.update(z, w, mu, Lam, repeat=2000, tol=1e-12, verbose=False)
alpha = w.get_moments()[0]  # E[log w]
concentration = w.phi[0] if hasattr(w, "phi") else None
rows = np.sum(z.get_moments()[0], axis=0)
bayespy = {
    "version": __import__("bayespy").__version__,
    "elbo": repr(float(Q.L[Q.iter - 1])), "iterations": int(Q.iter),
    "expected_rows": [float(v) for v in rows],
    "effective": int(np.sum(rows >= 1)),
}

import sklearn
from sklearn.mixture import BayesianGaussianMixture
g = BayesianGaussianMixture(n_components=K, weight_concentration_prior_type="dirichlet_distribution", weight_concentration_prior=0.01,
                            mean_prior=[3.0, 70.0], mean_precision_prior=1e-3 / 3, covariance_prior=np.identity(D) / 3 * 3, degrees_of_freedom_prior=3,
                            max_iter=2000, tol=1e-8, n_init=10, random_state=0).fit(X)
n_k = g.weight_concentration_ - 0.01
sk = {
    "version": sklearn.__version__, "converged": bool(g.converged_), "weights": [float(v) for v in g.weights_],
    "expected_rows": [float(v) for v in n_k], "effective": int(np.sum(n_k >= 1)),
    "kept_weights": sorted(float(v) for v, n in zip(g.weights_, n_k) if n >= 1),
}
print(json.dumps({"data": "examples/vi/faithful.csv", "rows": int(N), "K": K, "start_means": START,
                  "command": "/usr/bin/python3 bench/viFaithfulPeers.py examples/vi/faithful.csv", "bayespy": bayespy, "sklearn": sk}, indent=1))
