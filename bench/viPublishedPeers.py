#!/usr/bin/python3
"""Models written from published descriptions, fitted by BayesPy 0.5.22 for test/unit/vi/publishedModels.test.ts.

usage: /usr/bin/python3 bench/viPublishedPeers.py > test/fixtures/vi/published-models-peers.json

Each entry holds its data (drawn here from a seeded numpy stream, so the test needs no Python), the
start and update order, and BayesPy's converged bound, iterations and posterior means:
- poisson: a 1-D mixture of Poissons (Bishop PRML ex. 9.19's family; conjugate gamma rates), 200 counts
  from rates 2, 9, 20; w ~ Dirichlet(1, 1, 1), lambda_k ~ Gamma(1, 0.1); start lambda = (1, 10, 25);
  order z, w, lambda.
- poisson_surplus: the same counts with K = 6 and w ~ Dirichlet(0.01 each) from lambda = (1, 4, 8, 12,
  18, 30): VB empties the components the data do not need (PRML §10.2.4).
- bernoulli: a Bayesian mixture of Bernoullis (PRML §9.3.3, with Beta(0.5, 0.5) priors, as in BayesPy's
  user guide), 150 rows of 8 binary features from 3 prototypes; w ~ Dirichlet(1, 1, 1); start from
  k-means++ on our side, BayesPy's from the P below: the test compares converged bounds.
- ard: Bayesian linear regression with automatic relevance determination (PRML §7.2.2 / Tipping 2001, by
  VB as in Bishop & Tipping 2000): b_j ~ N(0, precision a_j), a_j ~ Gamma(1e-3, 1e-3), tau ~ Gamma(1e-3,
  1e-3), 60 rows, 6 covariates of which 3 are irrelevant; b one Gaussian block; order b, a, tau.
"""
import json, warnings
import numpy as np
warnings.filterwarnings("ignore")
import bayespy
from bayespy.nodes import Dirichlet, Categorical, Gamma, Poisson, Mixture, Beta, Bernoulli, GaussianARD, SumMultiply
from bayespy.inference import VB

out = {"command": "/usr/bin/python3 bench/viPublishedPeers.py > test/fixtures/vi/published-models-peers.json", "bayespy": bayespy.__version__}

def poisson(y, K, alpha, start):
    np.random.seed(0)
    w = Dirichlet(alpha * np.ones(K)); z = Categorical(w, plates=(len(y),)); lam = Gamma(1.0, 0.1, plates=(K,))
    Y = Mixture(z, Poisson, lam); Y.observe(y)
    lam.initialize_from_value(np.array(start, dtype=float))
    Q = VB(Y, z, w, lam); Q.update(z, w, lam, repeat=2000, tol=1e-12, verbose=False)
    rows = np.sum(z.get_moments()[0], axis=0)
    return {"K": K, "alpha": alpha, "start": start, "elbo": repr(float(Q.L[Q.iter - 1])), "iterations": int(Q.iter),
            "lambda": [float(v) for v in lam.get_moments()[0]], "expected_rows": [float(v) for v in rows]}

rng = np.random.RandomState(1)
zt = rng.choice(3, 200, p=[0.3, 0.4, 0.3]); y = rng.poisson(np.array([2.0, 9.0, 20.0])[zt])
out["poisson"] = {"y": [int(v) for v in y], **poisson(y, 3, 1.0, [1, 10, 25])}
out["poisson_surplus"] = poisson(y, 6, 0.01, [1, 4, 8, 12, 18, 30])

rng = np.random.RandomState(2)
N, D, K = 150, 8, 3
proto = np.array([[.9, .9, .9, .1, .1, .1, .5, .1], [.1, .1, .9, .9, .9, .1, .1, .5], [.1, .5, .1, .1, .9, .9, .9, .9]])
X = (rng.uniform(size=(N, D)) < proto[rng.choice(K, N)]).astype(int)
np.random.seed(0)
w = Dirichlet(np.ones(K)); z = Categorical(w, plates=(N, 1)); P = Beta([0.5, 0.5], plates=(D, K))
Y = Mixture(z, Bernoulli, P); Y.observe(X)
P.initialize_from_value(np.tile(np.array([[.6, .5, .4]]), (D, 1)) + 0.05 * np.arange(D).reshape(D, 1) / D)
Q = VB(Y, z, w, P); Q.update(z, w, P, repeat=2000, tol=1e-12, verbose=False)
out["bernoulli"] = {"x": X.tolist(), "elbo": repr(float(Q.L[Q.iter - 1])), "iterations": int(Q.iter),
                    "p": np.exp(P.get_moments()[0][..., 0]).T.tolist()}

rng = np.random.RandomState(3)
N, D = 60, 6
Xr = rng.normal(size=(N, D)); yr = Xr @ np.array([2.0, -1.5, 0, 0, 0.8, 0]) + 0.5 * rng.normal(size=N)
np.random.seed(0)
a = Gamma(1e-3, 1e-3, plates=(D,)); B = GaussianARD(0, a, shape=(D,)); tau = Gamma(1e-3, 1e-3)
Yr = GaussianARD(SumMultiply('i,i', B, Xr), tau); Yr.observe(yr)
Q = VB(Yr, B, a, tau); Q.update(B, a, tau, repeat=2000, tol=1e-13, verbose=False)
out["ard"] = {"X": Xr.tolist(), "y": yr.tolist(), "elbo": repr(float(Q.L[Q.iter - 1])), "iterations": int(Q.iter),
              "b": [float(v) for v in B.get_moments()[0]], "a": [float(v) for v in a.get_moments()[0]], "tau": float(tau.get_moments()[0])}
print(json.dumps(out))
