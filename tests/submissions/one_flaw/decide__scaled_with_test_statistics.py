# expect: per-row
# says: scale x_test with x_train's mean and standard deviation
"""decide, right except that x_test is standardised with its own mean and standard deviation, so a row's
decision depends on the other rows it comes with."""
import numpy as np

GRID = np.arange(1, 100) / 100


def _fit(x, y, w0=1.0, w1=1.0):
    """A weighted logistic regression by Newton's method (NumPy, so that 20 seeds grade in seconds: the
    flaw is in the decision, not in the model); returns a function giving probabilities."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    y = np.asarray(y, float)
    sw = np.where(y == 1, w1, w0)
    beta = np.zeros(xb.shape[1])
    for _ in range(25):
        p = 1 / (1 + np.exp(-xb @ beta))
        grad = xb.T @ (sw * (p - y)) + 1e-3 * beta
        hess = (xb * (sw * p * (1 - p))[:, None]).T @ xb + 1e-3 * np.eye(len(beta))
        beta -= np.linalg.solve(hess, grad)
    return lambda x: 1 / (1 + np.exp(-(np.hstack([x, np.ones((len(x), 1))]) @ beta)))


def _best_threshold(p, y, cost_fp, cost_fn):
    costs = [(cost_fp * np.sum((p > t) & (y == 0)) + cost_fn * np.sum((p <= t) & (y == 1))) / len(y)
             for t in GRID]
    return GRID[int(np.argmin(costs))]


def decide(x_train, y_train, x_val, y_val, x_test, cost_fp, cost_fn):
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    predict = _fit((x_train - mean) / std, y_train)
    threshold = _best_threshold(predict((x_val - mean) / std), y_val, cost_fp, cost_fn)
    return (predict((x_test - x_test.mean(axis=0)) / x_test.std(axis=0)) > threshold).astype(int)
