"""Reference figures for the EM example tests (test/unit/fit/*.test.ts), computed
independently of the engine. Run once, from the repository root:

    npm run data:mixture -- /tmp/latent-mixture && /usr/bin/python3 test/unit/fit/references.py /tmp/latent-mixture

(Debian's python3-sklearn, numpy, scipy). The tests quote its output.
"""
import json
import sys

import numpy as np
from scipy.optimize import minimize
from scipy.stats import norm
from sklearn.mixture import GaussianMixture

EX = 'examples/em/'


def faithful():
    data = np.loadtxt(EX + 'faithful.csv', delimiter=',', skiprows=1)
    # k-means++ starts, as the engine's. (init_params='random_from_data' finds spikes of the
    # likelihood for K = 3 — a component on a few nearly collinear points, −1053.2 — which
    # only reg_covar bounds; not an answer anyone wants.)
    for k in (2, 3):
        best = GaussianMixture(k, covariance_type='full', tol=1e-10, max_iter=10000, n_init=200, init_params='k-means++', random_state=0).fit(data)
        n = len(data)
        print(f'faithful K={k}: mean loglik {best.score(data):.8f}  total {best.score(data) * n:.6f}  BIC {best.bic(data):.6f}')
        order = np.argsort(best.means_[:, 1])
        print('  weights', np.round(best.weights_[order], 6).tolist())
        print('  means', np.round(best.means_[order], 6).tolist())


def three_clusters():
    d = np.loadtxt(EX + 'three-clusters.csv', delimiter=',', skiprows=1)[:, :2]
    g = GaussianMixture(3, covariance_type='full', tol=1e-10, max_iter=10000, n_init=50, random_state=0).fit(d)
    print(f'three-clusters K=3: best total loglik {g.score(d) * len(d):.6f}')
    # Plain EM from the documented poor start (weights, means, covariances = inverse of the inits' precisions).
    start = GaussianMixture(3, covariance_type='full', tol=1e-12, max_iter=10000, reg_covar=1e-6,
                            weights_init=[0.25, 0.25, 0.5], means_init=[[-6.5, 0], [-5.5, 0], [3, 0]],
                            precisions_init=[np.eye(2), np.eye(2), 0.1 * np.eye(2)]).fit(d)
    print(f'three-clusters plain EM from the poor start: total loglik {start.score(d) * len(d):.6f}')


def bernoulli_mixture():
    """EM for a mixture of Bernoullis written here from the formulas, best of 200 random starts."""
    y = np.loadtxt(EX + 'binary-vectors.csv', delimiter=',', skiprows=1)[:, :8]
    rng = np.random.default_rng(0)
    best = None
    for _ in range(200):
        w = np.full(3, 1 / 3)
        p = rng.uniform(0.2, 0.8, size=(3, 8))
        previous = -np.inf
        for _ in range(5000):
            log = np.log(w) + y @ np.log(p).T + (1 - y) @ np.log(1 - p).T
            top = log.max(axis=1, keepdims=True)
            ll = float((top[:, 0] + np.log(np.exp(log - top).sum(axis=1))).sum())
            r = np.exp(log - top)
            r /= r.sum(axis=1, keepdims=True)
            w = r.mean(axis=0)
            p = (r.T @ y) / r.sum(axis=0)[:, None]
            if ll - previous < 1e-13:
                break
            previous = ll
        if best is None or ll > best[0]:
            best = (ll, w, p)
    ll, w, p = best
    order = np.argsort(-w)
    print(f'bernoulli mixture: best loglik {ll:.8f}')
    print('  weights (decreasing)', np.round(w[order], 6).tolist())
    print('  p rows', np.round(p[order], 6).tolist())


def probit():
    d = np.loadtxt(EX + 'probit_n2000_d5.csv', delimiter=',', skiprows=1)
    y, x = d[:, 0], d[:, 1:]

    def nll(b):
        eta = x @ b
        return -(norm.logcdf(eta)[y == 1].sum() + norm.logcdf(-eta)[y == 0].sum())

    r = minimize(nll, np.zeros(5), method='BFGS', options={'gtol': 1e-10})
    print(f'probit ML: beta {np.round(r.x, 6).tolist()}  loglik {-r.fun:.6f}')


def generated_mixture(folder):
    """scikit-learn's EM on the generated 5-D mixture (scripts/mixtureData.ts) from its start (.init.json)."""
    name = folder + '/gmm_d5_k5_n100000'
    x = np.loadtxt(name + '.csv', delimiter=',', skiprows=1)[:, :5]
    start = json.load(open(name + '.init.json'))
    g = GaussianMixture(start['K'], covariance_type='full', tol=1e-6, reg_covar=1e-6, max_iter=500,
                        weights_init=start['weights'], means_init=start['means'],
                        precisions_init=np.linalg.inv(np.array(start['covariances']))).fit(x)
    print(f'generated mixture D5 K5: mean loglik {g.score(x):.8f} after {g.n_iter_} iterations (converged {g.converged_})')


if len(sys.argv) > 1:
    generated_mixture(sys.argv[1])
faithful()
three_clusters()
bernoulli_mixture()
probit()
