"""Every metric class Keras ships is used, by name, in the executed code of a chapter or book notebook."""
import inspect
import json
import re
from pathlib import Path

import keras

ROOT = Path(__file__).resolve().parents[2]
NOT_TAUGHT = {"Metric", "MeanMetricWrapper"}     # the base classes a custom metric builds on, not metrics


def _executed_code() -> str:
    code = []
    for path in sorted(ROOT.glob("solutions/*.ipynb")) + sorted(ROOT.glob("book/*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code += ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    return "\n".join(code)


def test_every_keras_metric_class_is_used_in_executed_code():
    classes = {name for name, obj in vars(keras.metrics).items()
               if inspect.isclass(obj) and issubclass(obj, keras.metrics.Metric)} - NOT_TAUGHT
    code = _executed_code()
    unused = sorted(name for name in classes if not re.search(rf"\b{name}\b", code))
    assert len(classes) >= 40 and unused == []
