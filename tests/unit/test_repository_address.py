"""One repository address: `repository.url` in _config.yml, and every other occurrence derived from it.

The repository button, the Colab and Binder links (_ext/course_links.py), the clone command on the
setup page (`{{ repository_url }}`, filled in at build time) and the learner notebooks' `%pip install
git+…` cell (`python -m autograder release`) all read it. So the address may be written only in
_config.yml and in generated files (notebooks/, the release output). The install cell of a learner's
notebook under tests/submissions/ is left alone: it is grader input, a frozen copy of what an earlier
release wrote, which no link or install reads.

A "repository address" is any GitHub address of a repository as something to clone, install or open:
github.com/<owner>/<repo>, with `.git`, `git@github.com:`, `/tree/…` or `/blob/…`; and any Colab
(`/github/<owner>/<repo>`) or Binder (`/v2/gh/<owner>/<repo>`) launch link. A link to an issue, pull request,
discussion, commit or release of another project is a citation, not an address, and may stand anywhere.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".venv", "_build", "node_modules", ".git", "__pycache__", ".ipynb_checkpoints"}
GENERATED = ("notebooks/",)
LEARNER_COPIES = "tests/submissions/"
CONFIG = "_config.yml"

NAME = r"[A-Za-z0-9_.-]+"
FORMS = [
    re.compile(r"github\.com[/:](?P<owner>" + NAME + r")/(?P<repo>" + NAME + r")(?P<rest>/[^\s\"'<>)\]]*)?"),
    re.compile(r"colab\.research\.google\.com/github/(?P<owner>" + NAME + r")/(?P<repo>" + NAME + r")(?P<rest>)"),
    re.compile(r"/v2/gh/(?P<owner>" + NAME + r")/(?P<repo>" + NAME + r")(?P<rest>)"),
]
CITATION = re.compile(r"/(issues|pull|discussions|commit|releases)(/|$)")


def configured() -> str:
    """`owner/repo` of `repository.url` in _config.yml."""
    url = yaml.safe_load((ROOT / CONFIG).read_text(encoding="utf-8"))["repository"]["url"]
    match = FORMS[0].search(url)
    assert match and match.group("rest") in (None, "", "/"), f"repository.url is not a GitHub repository: {url}"
    return f"{match['owner']}/{match['repo']}"


def text_files(root: Path):
    venvs = [p.parent for p in root.rglob("pyvenv.cfg")]     # a virtual environment anywhere (bench/results/...)
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts
        if any(part in SKIPPED_DIRS for part in parts) or not path.is_file() or any(v in path.parents for v in venvs):
            continue
        data = path.read_bytes()
        if b"\0" in data:
            continue
        try:
            yield path.relative_to(root).as_posix(), data.decode("utf-8")
        except UnicodeDecodeError:
            continue


def addresses(text: str, mine: str):
    """(owner/repo, the matched text, its line) for each repository address in `text` (citations left out)."""
    for form in FORMS:
        for match in form.finditer(text):
            repo = f"{match['owner']}/{match['repo'].removesuffix('.git')}"
            if match["rest"] and CITATION.match(match["rest"]) and repo != mine:
                continue
            start = text.rfind("\n", 0, match.start()) + 1
            end = text.find("\n", match.end())
            yield repo, match.group(0), text[start:end if end >= 0 else len(text)]


def misplaced(root: Path, mine: str) -> list[str]:
    """Every repository address in the text files under `root` that is not `mine`, or is `mine` written by hand."""
    found = []
    for name, text in text_files(root):
        for repo, written, line in addresses(text, mine):
            if name.startswith(LEARNER_COPIES) and "%pip install" in line:
                continue
            if repo != mine:
                found.append(f"{name}: {written} is a second repository address (the course's is {mine})")
            elif name != CONFIG and not name.startswith(GENERATED):
                found.append(f"{name}: {written} is written by hand; derive it from repository.url in {CONFIG}")
    return found


def test_the_repository_address_is_written_only_in_the_configuration_and_generated_files():
    assert misplaced(ROOT, configured()) == []


def test_the_configuration_holds_the_address():
    assert configured() in (ROOT / CONFIG).read_text(encoding="utf-8")


def test_the_learner_notebooks_install_the_course_from_the_configured_address():
    from autograder import release
    cell = release.install_cell(release.repository_url())
    assert f"git+https://github.com/{configured()}\"" in cell.source
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert f"git+https://github.com/{configured()}" in nb.read_text(encoding="utf-8"), nb.name


def _tree(tmp_path, files):
    """The scan's findings in a fresh tree holding this configuration and `files`."""
    tmp_path = tmp_path / str(len(list(tmp_path.iterdir())))
    tmp_path.mkdir()
    (tmp_path / CONFIG).write_text((ROOT / CONFIG).read_text(encoding="utf-8"), encoding="utf-8")
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return misplaced(tmp_path, configured())


def test_the_scan_reports_a_second_address_hard_coded_anywhere(tmp_path):
    other = "github.com/" + "someone-else/a-fork"
    assert len(_tree(tmp_path, {"book/x.md": f"git clone https://{other}\n"})) == 1
    assert len(_tree(tmp_path, {"notebooks/y.ipynb": f'"%pip install git+https://{other}.git"'})) == 1
    assert len(_tree(tmp_path, {"z.py": "URL = 'https://mybinder.org/v2/" + "gh/someone-else/a-fork/main'"})) == 1


def test_the_scan_reports_the_course_address_written_by_hand_outside_generated_files(tmp_path):
    mine = f"https://colab.research.google.com/github/{configured()}/blob/main/notebooks/a.ipynb"
    assert len(_tree(tmp_path, {"book/x.md": f"[Open in Colab]({mine})\n"})) == 1
    assert _tree(tmp_path, {"notebooks/a.ipynb": f'"{mine}"'}) == []


def test_the_scan_leaves_citations_of_other_projects_alone(tmp_path):
    cited = "https://github.com/" + "keras-team/keras/issues/12511"
    assert _tree(tmp_path, {"book/refs.md": f"- [issue]({cited})\n"}) == []


def test_the_scan_reports_a_second_address_in_the_grader_inputs_outside_an_install_cell(tmp_path):
    other = "https://github.com/" + "someone-else/a-fork"
    assert len(_tree(tmp_path, {"tests/submissions/a.py": f"# see {other}\n"})) == 1
    assert _tree(tmp_path, {"tests/submissions/b.ipynb": f'"    %pip install --quiet \\"git+{other}\\""'}) == []
