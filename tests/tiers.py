"""The tiers of tests/ (its folders) and the units of work pytest-xdist hands out (see tests/conftest.py)."""
from pathlib import Path

TESTS = Path(__file__).resolve().parent
TIERS = ("unit", "checks", "e2e", "notebooks")


def tier_of(path: Path) -> str | None:
    """The tier a test file belongs to: the folder under tests/ it sits in."""
    try:
        folder = Path(path).resolve().relative_to(TESTS).parts[0]
    except ValueError:
        return None
    return folder if folder in TIERS else None


# Files whose work unit is one parameter: the part of the test id before its first "-"
# (`[05_imbalanced_data-cell3]` and `[05_imbalanced_data]` share the chapter's one execution).
SPLIT_BY_PARAMETER = ("tests/notebooks/test_chapters.py", "tests/notebooks/test_learner_notebooks.py",
                      "tests/checks/test_corpus_across_seeds.py")


# The website's test files share one built site and one Chromium: they are one unit.
SITE = "tests/notebooks/site"


def work_unit(nodeid: str) -> str:
    """The unit of work a test belongs to under pytest-xdist (see SPLIT_BY_PARAMETER and SITE)."""
    path, _, rest = nodeid.partition("::")
    name = path.rsplit("/", 1)[-1]
    if path.startswith("tests/notebooks/") and (name == "test_book.py" or name.startswith("test_site_")):
        return SITE
    if path in SPLIT_BY_PARAMETER and "[" in rest:
        return f"{path}[{rest.split('[', 1)[1].split('-', 1)[0].rstrip(']')}]"
    return path
