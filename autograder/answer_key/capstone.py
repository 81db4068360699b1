"""Chapter 11's reference for decide: a decision rule chosen for its expected cost.

Part of the answer key: the grader reads this file as text and sends it to the answer key's
process; it never imports it. The checks (autograder/checks/capstone.py) compare a learner's
expected cost on held-out rows with the cost of this rule's decisions on the same rows.

The rule, as the chapter teaches it: standardise with the training set's statistics, train a
logistic regression (one sigmoid unit) with class weights proportional to the costs, then pick
the threshold that minimises the expected cost on the validation set, and apply it to x_test.
"""
import logging

import keras
from keras import ops
import numpy as np

EPOCHS, BATCH, LEARNING_RATE = 10, 100, 0.05
GRID = np.round(np.linspace(0.01, 0.99, 99), 2)        # the candidate thresholds


def expected_cost(decisions, y, cost_fp, cost_fn):
    """Cost per example: (cost_fp * false positives + cost_fn * false negatives) / n."""
    d = np.asarray(decisions).reshape(-1).astype(bool)
    y = np.asarray(y).reshape(-1).astype(bool)
    return (cost_fp * np.sum(d & ~y) + cost_fn * np.sum(~d & y)) / y.size


def decide(x_train, y_train, x_val, y_val, x_test, cost_fp, cost_fn):
    """0/1 decisions for the rows of x_test: class weights {0: cost_fp, 1: cost_fn}, threshold on validation."""
    logger = logging.getLogger("tensorflow")
    level = logger.level
    logger.setLevel(logging.ERROR)              # retracing notices
    try:
        keras.utils.set_random_seed(0)
        x_train = np.asarray(x_train, np.float32)
        mean, std = x_train.mean(axis=0), x_train.std(axis=0)

        def scale(x):
            return (np.asarray(x, np.float32) - mean) / std

        model = keras.Sequential([keras.Input(shape=(x_train.shape[1],)),
                                  keras.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), loss="binary_crossentropy")
        total = cost_fp + cost_fn
        model.fit(scale(x_train), np.asarray(y_train, np.float32).reshape(-1, 1), epochs=EPOCHS,
                  batch_size=BATCH, class_weight={0: 2 * cost_fp / total, 1: 2 * cost_fn / total},
                  verbose=0)
        p_val = ops.convert_to_numpy(model(scale(x_val)))[:, 0]
        costs = [expected_cost(p_val > t, y_val, cost_fp, cost_fn) for t in GRID]
        threshold = GRID[int(np.argmin(costs))]
        p_test = ops.convert_to_numpy(model(scale(x_test)))[:, 0]
        return (p_test > threshold).astype(np.int64)
    finally:
        logger.setLevel(level)
