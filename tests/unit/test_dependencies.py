"""One set of dependencies: pyproject.toml names them, constraints.txt pins them, environment.yml reuses both.

binder/requirements.txt (what mybinder.org installs: Binder reads binder/ and ignores environment.yml)
is the learner's subset: the course package and its core and [notebooks] libraries at the same pins.
"""
import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
SELF = canonicalize_name(PROJECT["name"])


def requirements(group=None):
    specs = PROJECT["dependencies"] if group is None else PROJECT["optional-dependencies"][group]
    return [Requirement(s) for s in specs]


def pins():
    found = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            req = Requirement(line)
            found[canonicalize_name(req.name)] = req
    return found


def all_requirements():
    reqs = requirements()
    for group in PROJECT["optional-dependencies"]:
        reqs += [r for r in requirements(group) if canonicalize_name(r.name) != SELF]
    return reqs


def test_core_dependencies_are_only_what_the_self_check_and_grader_need():
    names = {canonicalize_name(r.name) for r in requirements()}
    assert names == {"keras", "numpy", "nbformat", "tensorflow", "tensorflow-cpu"}


def test_core_dependencies_have_lower_bounds_and_no_pins():
    for req in requirements():
        assert req.specifier, f"{req.name} has no lower bound"
        assert all(spec.operator == ">=" for spec in req.specifier), f"{req} pins or caps a version"


def test_on_linux_x86_64_the_course_asks_for_exactly_one_tensorflow():
    env = {"sys_platform": "linux", "platform_machine": "x86_64"}
    tfs = [r.name for r in requirements() if "tensorflow" in r.name and (r.marker is None or r.marker.evaluate(env))]
    assert tfs == ["tensorflow-cpu"]
    env = {"sys_platform": "darwin", "platform_machine": "arm64"}
    tfs = [r.name for r in requirements() if "tensorflow" in r.name and (r.marker is None or r.marker.evaluate(env))]
    assert tfs == ["tensorflow"]


def test_every_dependency_is_pinned_in_constraints_within_its_range():
    found = pins()
    linux = {"sys_platform": "linux", "platform_machine": "x86_64"}
    for req in all_requirements():
        if req.marker is not None and not req.marker.evaluate(linux):
            continue                      # constraints.txt is made on Linux x86_64
        pin = found.get(canonicalize_name(req.name))
        assert pin is not None, f"{req.name} is not pinned in constraints.txt"
        (spec,) = pin.specifier
        assert spec.operator == "==", f"constraints.txt should pin {pin.name} exactly"
        assert req.specifier.contains(spec.version, prereleases=True), f"{pin} is outside {req}"


def test_dev_extra_includes_the_notebook_extra():
    assert any(canonicalize_name(r.name) == SELF and r.extras == {"notebooks"} for r in requirements("dev"))


def test_environment_yml_installs_the_same_as_make():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_lists = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert pip_lists == [["-c constraints.txt", "-e .[dev]"]]
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r'pip install .*-c constraints\.txt -e "\.\[dev\]"', makefile)


def test_environment_yml_python_is_the_one_constraints_txt_was_made_for():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]
    assert "Python 3.11" in (ROOT / "constraints.txt").read_text().splitlines()[1]


def test_jupyter_book_stays_below_2_because_2_needs_internet_to_build():
    jb = next(r for r in requirements("dev") if r.name == "jupyter-book")
    assert not jb.specifier.contains("2.0.0")
    assert not pins()["jupyter-book"].specifier.contains("2.0.0")


def binder_lines():
    lines = [line.split("#", 1)[0].strip() for line in (ROOT / "binder" / "requirements.txt").read_text().splitlines()]
    return [line for line in lines if line]


def binder_pins():
    return {canonicalize_name(Requirement(line).name): Requirement(line)
            for line in binder_lines() if not line.startswith((".", "-"))}


def learner_names():
    """What a learner's notebooks need on Linux x86_64 (Binder's machine): core dependencies and [notebooks]."""
    linux = {"sys_platform": "linux", "platform_machine": "x86_64"}
    reqs = requirements() + requirements("notebooks")
    return {canonicalize_name(r.name) for r in reqs if r.marker is None or r.marker.evaluate(linux)}


def test_binder_builds_from_its_own_folder_with_the_python_constraints_txt_was_made_for():
    assert (ROOT / "binder" / "requirements.txt").exists()
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    assert "Python 3.11" in (ROOT / "constraints.txt").read_text().splitlines()[1]


def test_binder_installs_the_course_package_without_its_dev_extra():
    local = [line for line in binder_lines() if line.startswith((".", "-"))]
    assert local == ["."], f"binder/requirements.txt should install the course as `.` and nothing else local: {local}"


def test_binder_installs_exactly_the_learners_libraries():
    assert set(binder_pins()) == learner_names()


def test_binder_pins_each_library_at_its_constraints_txt_version():
    found = pins()
    for name, req in binder_pins().items():
        (spec,) = req.specifier
        assert spec.operator == "==", f"binder/requirements.txt should pin {req.name} exactly"
        assert found[name].specifier == req.specifier, f"binder has {req}, constraints.txt {found[name]}"


def test_binder_installs_no_dev_only_package():
    dev_only = {canonicalize_name(r.name) for r in requirements("dev")} - learner_names() - {SELF}
    assert dev_only & set(binder_pins()) == set()
    assert not any("[dev]" in line for line in binder_lines())
