"""An independent BPMF Gibbs sampler in numpy (Salakhutdinov & Mnih 2008), a
peer check of what test RMSE 200 sweeps should reach on a ratings file
(issue 10). Peers only: run by /usr/bin/python3, never by the tests.

    /usr/bin/python3 bench/bpmfNumpy.py RATINGS.csv [--sweeps 200] [--burnin 50]
        [--rank 10] [--alpha 2 | --alpha sample] [--seed 1]

RATINGS.csv has columns user, item, rating and test (1 marks the hold-out),
as ../shared/bench/data/ratings_ml100k_like.csv. The model is the paper's:
ratings centred by the training mean; rows u_i ~ N(mu_U, Lambda_U^-1) and
likewise v_j; (mu_U, Lambda_U) ~ Normal-Wishart(mu0 = 0, beta0 = 2, W0 = I,
nu0 = D); rating precision alpha fixed at 2 (or, with --alpha sample, a
Gamma(1, 1) prior on it, as the engine's model has). The prediction of a
held-out rating is the average over kept draws of mean + u_i.v_j. Prints the
test RMSE of that running average after every 25 sweeps, and of the single
last draw.
"""
import argparse
import numpy as np


def read(path):
    data = np.genfromtxt(path, delimiter=',', names=True)
    user = data['user'].astype(int) - 1
    item = data['item'].astype(int) - 1
    test = data['test'].astype(int) == 1
    return user, item, data['rating'], test


def wishart(rng, scale, dof):
    """A draw of Wishart(scale, dof) by the Bartlett decomposition."""
    d = scale.shape[0]
    chol = np.linalg.cholesky(scale)
    a = np.zeros((d, d))
    for k in range(d):
        a[k, k] = np.sqrt(rng.chisquare(dof - k))
        a[k, :k] = rng.standard_normal(k)
    la = chol @ a
    return la @ la.T


def hyper(rng, rows, beta0, nu0, w0_inv):
    """(mu, Lambda) given the rows, from the Normal-Wishart posterior (mu0 = 0)."""
    n, d = rows.shape
    mean = rows.mean(axis=0)
    centred = rows - mean
    s = centred.T @ centred
    beta = beta0 + n
    nu = nu0 + n
    w_inv = w0_inv + s + (beta0 * n / beta) * np.outer(mean, mean)
    w = np.linalg.inv(w_inv)
    w = (w + w.T) / 2
    lam = wishart(rng, w, nu)
    mu_star = n * mean / beta
    chol = np.linalg.cholesky(beta * lam)
    mu = mu_star + np.linalg.solve(chol.T, rng.standard_normal(d))
    return mu, lam


def rows_update(rng, target, partner, index, values, mu, lam, alpha):
    """Each row of `target` from its Gaussian conditional given its ratings."""
    d = target.shape[1]
    prior_eta = lam @ mu
    for r, (idx, val) in enumerate(zip(index, values)):
        p = partner[idx]
        precision = lam + alpha * p.T @ p
        eta = prior_eta + alpha * p.T @ val
        chol = np.linalg.cholesky(precision)
        mean = np.linalg.solve(chol.T, np.linalg.solve(chol, eta))
        target[r] = mean + np.linalg.solve(chol.T, rng.standard_normal(d))


def grouped(keys, others, values, count):
    order = np.argsort(keys, kind='stable')
    bounds = np.searchsorted(keys[order], np.arange(count + 1))
    return ([others[order[bounds[r]:bounds[r + 1]]] for r in range(count)],
            [values[order[bounds[r]:bounds[r + 1]]] for r in range(count)])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('file')
    parser.add_argument('--sweeps', type=int, default=200)
    parser.add_argument('--burnin', type=int, default=50)
    parser.add_argument('--rank', type=int, default=10)
    parser.add_argument('--alpha', default='2')
    parser.add_argument('--seed', type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    user, item, rating, test = read(args.file)
    nu_, ni_ = user.max() + 1, item.max() + 1
    tu, ti, tr = user[~test], item[~test], rating[~test]
    eu, ei, er = user[test], item[test], rating[test]
    mean = tr.mean()
    centred = tr - mean
    d = args.rank
    by_user = grouped(tu, ti, centred, nu_)
    by_item = grouped(ti, tu, centred, ni_)
    u = 0.1 * rng.standard_normal((nu_, d))
    v = 0.1 * rng.standard_normal((ni_, d))
    alpha = 2.0 if args.alpha == 'sample' else float(args.alpha)
    total = np.zeros(len(er))
    kept = 0
    eye = np.eye(d)
    for sweep in range(1, args.sweeps + 1):
        mu_u, lam_u = hyper(rng, u, 2.0, d, eye)
        mu_v, lam_v = hyper(rng, v, 2.0, d, eye)
        rows_update(rng, u, v, by_user[0], by_user[1], mu_u, lam_u, alpha)
        rows_update(rng, v, u, by_item[0], by_item[1], mu_v, lam_v, alpha)
        if args.alpha == 'sample':
            residual = centred - np.einsum('nk,nk->n', u[tu], v[ti])
            alpha = rng.gamma(1 + len(tr) / 2, 1 / (1 + 0.5 * residual @ residual))
        draw = mean + np.einsum('nk,nk->n', u[eu], v[ei])
        if sweep > args.burnin:
            total += draw
            kept += 1
        if sweep % 25 == 0:
            averaged = total / kept if kept else draw
            print(f'sweep {sweep}: test RMSE of the averaged prediction {np.sqrt(np.mean((averaged - er) ** 2)):.4f}, '
                  f'of this draw {np.sqrt(np.mean((draw - er) ** 2)):.4f}, alpha {alpha:.3f}', flush=True)


main()
