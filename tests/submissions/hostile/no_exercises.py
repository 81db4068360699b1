"""A file that defines none of the exercises (the wrong notebook was uploaded)."""
# batch: mse, mae, huber, log_cosh
import numpy as np


def my_model():
    return "not an exercise"


def plot_history(history):
    return None
