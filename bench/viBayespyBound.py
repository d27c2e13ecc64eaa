#!/usr/bin/python3
"""BayesPy's bound at full precision for the figures recorded in test/unit/vi/bayespyGmm.test.ts.

usage: /usr/bin/python3 bench/viBayespyBound.py DATA.csv [tol]   (DATA.init.json beside it; prints first and converged bound)
The model, start and update order of ../shared/bench/peers/bayespy_gmm.py; Q.update(repeat=3000, tol).
"""
import json, sys, warnings
import numpy as np
from bayespy.nodes import Dirichlet, Categorical, Gaussian, Wishart, Mixture
from bayespy.inference import VB
warnings.filterwarnings("ignore")
path = sys.argv[1]
tol = float(sys.argv[2]) if len(sys.argv) > 2 else 1e-15
with open(path) as f: header = [h.strip() for h in f.readline().strip().split(",")]
arr = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
X = np.ascontiguousarray(arr[:, [i for i, h in enumerate(header) if h != "z"]])
N, D = X.shape
init = json.load(open(path[:-4] + ".init.json")); K = int(init["K"])
np.random.seed(0)
alpha = Dirichlet(1e-3 * np.ones(K)); Z = Categorical(alpha, plates=(N,))
mu = Gaussian(np.zeros(D), 1e-5 * np.identity(D), plates=(K,)); Lam = Wishart(D, 1e-5 * np.identity(D), plates=(K,))
Y = Mixture(Z, Gaussian, mu, Lam); Y.observe(X)
mu.initialize_from_value(np.array(init["means"], dtype=float))
Lam.initialize_from_value(np.linalg.inv(np.array(init["covariances"], dtype=float)))
Q = VB(Y, Z, alpha, mu, Lam)
Q.update(repeat=3000, tol=tol, verbose=False)
print(json.dumps({"first": repr(float(Q.L[0])), "converged": repr(float(Q.L[Q.iter - 1])), "iterations": int(Q.iter), "curve": [repr(float(v)) for v in Q.L[:Q.iter]]}))
