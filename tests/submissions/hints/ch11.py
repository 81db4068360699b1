"""Chapter 11's exercise written straight from its hint (autograder/exercises.py)."""
import keras
import numpy as np


def decide(x_train, y_train, x_val, y_val, x_test, cost_fp, cost_fn):
    keras.utils.set_random_seed(0)
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    x_train, x_val, x_test = [(x - mean) / std for x in (x_train, x_val, x_test)]
    model = keras.Sequential([keras.Input(shape=(x_train.shape[1],)),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy")
    average = (cost_fp + cost_fn) / 2
    model.fit(x_train, y_train, epochs=10, batch_size=100, verbose=0,
              class_weight={0: cost_fp / average, 1: cost_fn / average})
    p_val = model.predict(x_val, verbose=0)[:, 0]
    best, best_cost = None, None
    for t in np.arange(1, 100) / 100:
        fp = np.sum((p_val > t) & (y_val == 0))
        fn = np.sum((p_val <= t) & (y_val == 1))
        cost = (cost_fp * fp + cost_fn * fn) / len(y_val)
        if best_cost is None or cost < best_cost:
            best, best_cost = t, cost
    p_test = model.predict(x_test, verbose=0)[:, 0]
    return (p_test > best).astype(int)
