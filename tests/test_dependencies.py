"""pyproject.toml (pip) and environment.yml (conda, Binder) name the same dependencies."""
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent


def _normalise(spec: str) -> str:
    req = Requirement(spec)
    marker = f"; {req.marker}" if req.marker else ""
    return f"{req.name.lower().replace('_', '-')}{req.specifier}{marker}"


def pip_dependencies():
    return {_normalise(d) for d in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]}


def conda_pip_dependencies():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_lists = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(pip_lists) == 1, "environment.yml should have exactly one pip: section"
    return {_normalise(d) for d in pip_lists[0] if not d.startswith("-e")}


def test_environment_yml_names_the_same_dependencies_as_pyproject():
    pip, conda = pip_dependencies(), conda_pip_dependencies()
    assert pip - conda == set(), f"in pyproject.toml only: {sorted(pip - conda)}"
    assert conda - pip == set(), f"in environment.yml only: {sorted(conda - pip)}"


def test_environment_yml_installs_the_course_package():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert "-e ." in pip


def test_jupyter_book_is_pinned_below_2_because_2_needs_internet_to_build():
    jb = next(Requirement(d) for d in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
              if d.startswith("jupyter-book"))
    assert not jb.specifier.contains("2.0.0")
