#!/usr/bin/python3
"""CPU seconds per VI iteration of the two peers, for bench/viGmm.ts on a loaded machine.

usage: /usr/bin/python3 bench/viPeersCpu.py DATA.csv ITERS

The same fits as ../shared/bench/peers/sklearn_gmm.py (BayesianGaussianMixture, full covariances,
finite Dirichlet prior, k-means init, tol 0: `ITERS` iterations minus a 1-iteration fit) and
bayespy_gmm.py (the user-guide model from <DATA>.init.json, `Q.update(repeat=ITERS)`), timed with
time.process_time (CPU of this process: on one BLAS thread, the time not spent waiting for a core).
Prints one JSON line: {"sklearn_cpu_sec_per_iter": .., "bayespy_cpu_sec_per_iter": ..}.
"""
import json
import sys
import time
import warnings

import numpy as np

warnings.filterwarnings("ignore")
path, iters = sys.argv[1], int(sys.argv[2])
with open(path) as f:
    header = [h.strip() for h in f.readline().strip().split(",")]
X = np.ascontiguousarray(np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)[:, [i for i, h in enumerate(header) if h != "z"]])
N, D = X.shape
init = json.load(open(path[:-4] + ".init.json"))
K = int(init["K"])


def cpu(fn):
    t = time.process_time()
    fn()
    return time.process_time() - t


from sklearn.mixture import BayesianGaussianMixture  # noqa: E402


def bgm(max_iter):
    return BayesianGaussianMixture(n_components=K, covariance_type="full", max_iter=max_iter, tol=0.0, reg_covar=1e-6,
                                   random_state=0, init_params="kmeans", weight_concentration_prior_type="dirichlet_distribution")


bgm(2).fit(X)  # warm-up
sk = sorted((cpu(lambda: bgm(iters).fit(X)) - cpu(lambda: bgm(1).fit(X))) / (iters - 1) for _ in range(2))

from bayespy.nodes import Dirichlet, Categorical, Gaussian, Wishart, Mixture  # noqa: E402
from bayespy.inference import VB  # noqa: E402


def vb():
    alpha = Dirichlet(1e-3 * np.ones(K))
    Z = Categorical(alpha, plates=(N,))
    mu = Gaussian(np.zeros(D), 1e-5 * np.identity(D), plates=(K,))
    Lam = Wishart(D, 1e-5 * np.identity(D), plates=(K,))
    Y = Mixture(Z, Gaussian, mu, Lam)
    Y.observe(X)
    mu.initialize_from_value(np.array(init["means"], dtype=float))
    Lam.initialize_from_value(np.linalg.inv(np.array(init["covariances"], dtype=float)))
    return VB(Y, Z, alpha, mu, Lam)


vb().update(repeat=2, tol=float("-inf"), verbose=False)  # warm-up
bp = []
for _ in range(2):
    Q = vb()
    bp.append(cpu(lambda: Q.update(repeat=iters, tol=float("-inf"), verbose=False)) / iters)
print(json.dumps({"sklearn_cpu_sec_per_iter": sum(sk) / len(sk), "bayespy_cpu_sec_per_iter": sum(bp) / len(bp)}))
