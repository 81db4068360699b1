"""pytest plugin for the fast tier (`make test-fast`): importing TensorFlow, Keras or JAX fails the test that tries."""
import importlib.abc
import sys

HEAVY = ("tensorflow", "keras", "jax", "torch")


class RefuseHeavyImports(importlib.abc.MetaPathFinder):
    """Raises ImportError for the heavy libraries, so a fast test that needs them fails loudly."""

    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in HEAVY:
            raise ImportError(f"the fast tier imports no {name} (move this test out of FAST_TESTS)")
        return None


def pytest_configure(config):
    already = [m for m in HEAVY if m in sys.modules]
    assert not already, f"imported before the fast tier started: {already}"
    sys.meta_path.insert(0, RefuseHeavyImports())
