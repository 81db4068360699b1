"""Chapter 05's backend-dependent claim about exercise 5.1, checked on both backends.

The exercise says: on the TensorFlow backend, keras.losses.binary_focal_crossentropy with
from_logits=True gives 50 for a logit of 50 and label 0 (the stable form), while Keras's own
function on the JAX backend takes the sigmoid and clips, giving 15.94 (float32). The chapter
prints the TensorFlow value and the sigmoid-then-clip values; this test runs the JAX backend.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, keras, numpy as np
value = keras.losses.binary_focal_crossentropy(
    np.array([[0.0]], "float32"), np.array([[50.0]], "float32"), from_logits=True)
print(json.dumps({"backend": keras.backend.backend(), "version": keras.__version__,
                  "value": float(np.asarray(value)[0])}))
"""


def _probe(backend):
    env = {**os.environ, "KERAS_BACKEND": backend, "JAX_PLATFORMS": "cpu", "TF_CPP_MIN_LOG_LEVEL": "2"}
    run = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True,
                         timeout=600, check=True)
    return json.loads(run.stdout.strip().splitlines()[-1])


def _statement():
    nb = nbformat.read(ROOT / "solutions" / "05_imbalanced_data.ipynb", as_version=4)
    return next(c.source for c in nb.cells if c.source.startswith("### Exercise 5.1"))


def test_logit_50_on_each_backend_is_what_the_exercise_says():
    text = _statement()
    tf_run, jax_run = _probe("tensorflow"), _probe("jax")
    assert (tf_run["backend"], jax_run["backend"]) == ("tensorflow", "jax")
    assert round(tf_run["value"], 2) == 50.0
    assert f"{jax_run['value']:.2f}" == "15.94"
    assert "15.94" in text and "TensorFlow backend" in text and "JAX backend" in text
    assert f"Keras {jax_run['version']}" in text
