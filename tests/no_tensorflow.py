"""pytest plugin for the fast tier (`make test-fast`): importing TensorFlow, Keras or JAX fails the test that tries."""
import importlib.abc
import sys

HEAVY = ("tensorflow", "keras", "jax", "torch")


class RefuseHeavyImports(importlib.abc.MetaPathFinder):
    """Raises ImportError for the heavy libraries, so a fast test that needs them fails loudly."""

    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in HEAVY:
            raise ImportError(f"the fast tier imports no {name} (a test that needs it belongs in tests/checks, tests/e2e or tests/notebooks)")
        return None


def pytest_configure(config):
    already = [m for m in HEAVY if m in sys.modules]
    assert not already, f"imported before the fast tier started: {already}"
    sys.meta_path.insert(0, RefuseHeavyImports())


def pytest_sessionfinish(session, exitstatus):
    loaded = [m for m in HEAVY if m in sys.modules]
    if loaded:                      # imported past the finder (it cannot be): say so and fail the run
        print(f"\nthe fast tier imported {loaded}", file=sys.stderr)
        session.exitstatus = 1
