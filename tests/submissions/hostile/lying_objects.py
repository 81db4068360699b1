"""Return values that lie: equal to everything, fake __array__, a fake module name, a cheating ndarray subclass."""
# batch: mse, mae, huber, log_cosh
# %%
import keras
from keras import ops
import numpy as np

# %%
class AlwaysEqual:
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    def __array__(self, dtype=None, copy=None):
        return np.zeros(3)
    def __float__(self):
        return 0.0


def mse(y_true, y_pred):
    return AlwaysEqual()

# %%
class FakeTensor:
    '''Claims to be a TensorFlow tensor; .numpy() gives an array of strings.'''
    __module__ = 'tensorflow.python.framework.ops'
    def numpy(self):
        return np.array(['close', 'enough'])
    def __eq__(self, other):
        return True


def mae(y_true, y_pred):
    return FakeTensor()

# %%
class Liar(np.ndarray):
    '''An ndarray subclass whose comparisons always say equal.'''
    def __eq__(self, other):
        return np.ones(np.shape(self), bool)
    def __ne__(self, other):
        return np.zeros(np.shape(self), bool)
    def __sub__(self, other):
        return np.zeros(np.shape(self))
    __rsub__ = __sub__
    def __abs__(self):
        return np.zeros(np.shape(self))


def huber(y_true, y_pred, delta=1.0):
    return np.full(np.shape(y_pred)[:-1], 123.0).view(Liar)

# %%
def log_cosh(y_true, y_pred):
    return np.array([object(), object()], dtype=object)
