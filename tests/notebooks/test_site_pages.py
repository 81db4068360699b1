"""The pages a course site has: decision guide, glossary, Keras 2 -> 3, references, licence, and a
licence/version/last-updated line on every page.

Each test names one promise of those pages; the Keras 2 -> 3 page is a notebook executed by
tests/chapter_runs.py like a chapter, so its claims are checked by the asserts in its own cells.
"""
import datetime
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest

import chapter_runs
from website import HTML, ROOT, site_pages, toc_chapters, toc_files, visible_text

sys.path.insert(0, str(ROOT / "_ext"))
import site_info  # noqa: E402

from autograder import citations  # noqa: E402

REFERENCE_PAGES = ["book/decision_guide", "book/glossary", "book/keras2_to_keras3",
                   "book/references", "book/license"]
K23 = "keras2_to_keras3"


def _html(page: str) -> str:
    return (HTML / f"{page}.html").read_text(encoding="utf-8")


def _article(html: str) -> str:
    """The page's main article (without the navigation sidebars)."""
    match = re.search(r'<article class="bd-article"[^>]*>(.*?)</article>', html, flags=re.S)
    assert match, "no article on the page"
    return match.group(1)


def _internal_links(page: str) -> list[tuple[Path, str]]:
    """(target file, fragment) of every link in the page's article to a page of this site."""
    found = []
    for href in re.findall(r'href="([^"]+)"', _article(_html(page))):
        if href.startswith(("http:", "https:", "mailto:", "javascript:")) or "_sources/" in href:
            continue
        path, _, fragment = href.partition("#")
        target = ((HTML / page).parent / path).resolve() if path else (HTML / f"{page}.html")
        found.append((target, fragment))
    return found


# ------------------------------------------------------------------ the pages exist and are reachable

def test_every_reference_page_is_in_the_toc():
    assert set(REFERENCE_PAGES) <= set(toc_files())


def test_every_reference_page_is_built(built):
    for page in REFERENCE_PAGES:
        assert (HTML / f"{page}.html").exists(), page


def test_the_home_page_links_every_reference_page(built):
    targets = {t for t, _ in _internal_links("book/index")}
    for page in REFERENCE_PAGES:
        assert (HTML / f"{page}.html").resolve() in targets, f"the home page does not link {page}"


def test_links_on_the_reference_pages_reach_an_existing_page_and_section(built):
    broken = []
    for page in REFERENCE_PAGES + ["book/index"]:
        for target, fragment in _internal_links(page):
            if not target.exists():
                broken.append(f"{page} -> {target.relative_to(HTML)} (no such page)")
            elif fragment and f'id="{fragment}"' not in target.read_text(encoding="utf-8"):
                broken.append(f"{page} -> {target.relative_to(HTML)}#{fragment} (no such section)")
    assert broken == []


# ------------------------------------------------------------------ decision guide

GUIDE_TASKS = ["guide-regression", "guide-binary", "guide-multiclass", "guide-multilabel",
               "guide-imbalanced", "guide-masks", "guide-counts", "guide-distributions",
               "guide-directions", "guide-ctc", "guide-ranking"]


def _guide_sections() -> dict[str, str]:
    """{label: its HTML} for each task section of the built decision guide (a `(guide-x)=` label
    puts its id on a span at the top of the section)."""
    article = _article(_html("book/decision_guide"))
    sections = re.findall(r'<section id="[^"]+">\s*<span id="(guide-[^"]+)"></span>(.*?)(?=<section id=|\Z)',
                          article, flags=re.S)
    return dict(sections)


def test_the_decision_guide_has_a_section_per_task_type(built):
    sections = _guide_sections()
    assert [s for s in GUIDE_TASKS if s not in sections] == []


def test_each_task_of_the_decision_guide_names_loss_metrics_and_pitfalls_and_links_a_chapter(built):
    for task, html in _guide_sections().items():
        if task not in GUIDE_TASKS or task == "guide-ranking":
            continue
        text = visible_text(html)
        assert re.search(r"\bloss:", text, flags=re.I), task
        assert "Metrics:" in text or "Reading the output:" in text, task
        assert "Pitfalls:" in text, task
        assert re.search(r'href="\.\./solutions/\d\d_[a-z_]+\.html#[^"]+"', html), \
            f"{task} links no section of a chapter"


def _keras_constructors(markdown: str) -> list[str]:
    """Every `Name(...)` code span of the guide whose Name is a Keras loss or metric class."""
    import keras
    spans = re.findall(r"`((?:keras\.(?:losses|metrics)\.)?([A-Z]\w+)\(([^`]*)\))`", markdown)
    return [(name, args) for _, name, args in spans
            if hasattr(keras.losses, name) or hasattr(keras.metrics, name)]


def test_every_keras_class_the_decision_guide_writes_with_arguments_can_be_built_so():
    import keras
    text = (ROOT / "book" / "decision_guide.md").read_text(encoding="utf-8")
    built_ok, failed = 0, []
    for name, args in _keras_constructors(text):
        if "..." in args:
            continue
        module = keras.losses if hasattr(keras.losses, name) else keras.metrics
        try:
            eval(f"module.{name}({args})", {"module": module})
            built_ok += 1
        except NameError:                 # an argument written as a name (`class_id=k`): not a literal
            continue
        except Exception as error:        # the finding is the error
            failed.append(f"{name}({args}): {type(error).__name__}: {error}")
    assert failed == [] and built_ok >= 8


def test_every_backquoted_keras_class_in_the_decision_guide_exists():
    import keras
    text = (ROOT / "book" / "decision_guide.md").read_text(encoding="utf-8")
    names = set(re.findall(r"`(?:keras\.(?:losses|metrics)\.)?([A-Z][A-Za-z0-9]+)(?:\(|`)", text))
    names = {n for n in names if not n.endswith("Error")}     # exceptions the text names
    names -= {"Dense", "UnitNormalization"}                   # layers, checked below
    missing = [n for n in names if not (hasattr(keras.losses, n) or hasattr(keras.metrics, n))]
    assert missing == [] and len(names) > 20
    assert hasattr(keras.layers, "UnitNormalization") and hasattr(keras.layers, "Dense")


# ------------------------------------------------------------------ glossary

CORE_TERMS = ["loss", "metric", "reduction", "logits", "from_logits", "sample_weight", "class_weight",
              "stateful metric", "label smoothing", "calibration", "AUC", "PR-AUC", "threshold"]


def _glossary_terms(html: str) -> dict[str, str]:
    """{term: its definition's text} from Sphinx's glossary markup."""
    entries = re.findall(r'<dt id="term-[^"]*">(.*?)</dt>\s*<dd>(.*?)</dd>', html, flags=re.S)
    return {visible_text(re.sub(r'<a class="headerlink".*?</a>', "", t)).strip(): d for t, d in entries}


def test_the_glossary_is_a_sphinx_glossary_with_the_core_terms(built):
    html = _html("book/glossary")
    assert 'class="simple glossary"' in html or 'class="glossary' in html
    terms = _glossary_terms(html)
    assert [t for t in CORE_TERMS if t not in terms] == []


def test_every_glossary_term_links_the_chapter_section_that_teaches_it(built):
    terms = _glossary_terms(_html("book/glossary"))
    assert len(terms) >= 30
    unlinked = [t for t, d in terms.items() if not re.search(r'href="\.\./solutions/\d\d_\w+\.html#', d)]
    assert unlinked == []


# ------------------------------------------------------------------ Keras 2 -> 3, an executed notebook

def _k23_run():
    return chapter_runs.book_run(K23)


def test_the_keras_2_to_3_page_is_a_book_notebook_that_chapter_runs_executes():
    assert K23 in chapter_runs.book_notebooks()
    run = _k23_run()
    assert run.executed.cells and run.errors() == []


def test_every_code_cell_of_the_keras_2_to_3_page_asserts_what_it_shows():
    nb = nbformat.read(ROOT / "book" / f"{K23}.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) >= 12
    assert [c.id for c in code if not re.search(r"^\s*assert ", c.source, flags=re.M)] == []


def test_every_section_of_the_keras_2_to_3_page_is_followed_by_its_demonstration():
    nb = nbformat.read(ROOT / "book" / f"{K23}.ipynb", as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and re.search(r"^## ", cell.source, flags=re.M):
            assert i + 1 < len(nb.cells) and nb.cells[i + 1].cell_type == "code", cell.source[:80]


def test_every_row_of_the_keras_2_to_3_table_links_a_section_of_the_page(built):
    nb = nbformat.read(ROOT / "book" / f"{K23}.ipynb", as_version=4)
    table = nb.cells[0].source
    rows = [line for line in table.splitlines() if line.startswith("| `") or line.startswith("| ")][2:]
    labels = {m for c in nb.cells if c.cell_type == "markdown" for m in re.findall(r"^\(([\w-]+)\)=", c.source, re.M)}
    html = _html(f"book/{K23}")
    assert len(rows) >= 12
    for row in rows:
        anchor = re.search(r"\]\(#([\w-]+)\)", row)
        assert anchor and anchor.group(1) in labels, row
        assert f'id="{anchor.group(1)}"' in html, row


def _stream(cell, name):
    return "".join(o.get("text", "") for o in cell.get("outputs", [])
                   if o.output_type == "stream" and o.name == name)


def test_the_keras_2_to_3_page_prints_no_traceback_no_stderr_and_no_tensorflow_log():
    for cell in _k23_run().executed.cells:
        if cell.cell_type != "code":
            continue
        assert _stream(cell, "stderr") == "", cell.source[:80]
        text = _stream(cell, "stdout")
        for noise in ("Traceback", "WARNING", "I0000", "E0000", "oneDNN"):
            assert noise not in text, (noise, cell.source[:80])


# What each demonstration prints, on the installed Keras: the errors are caught and shown in one line.
K23_SHOWS = {
    "k23-tfkeras-run": ["'MeanSquaredError': True", "'Model': True"],
    "k23-short-run": ["'mse': False", "'log_cosh': 'log_cosh'"],
    "k23-parens-run": ["CategoricalCrossentropy with from_logits = False", "TypeError"],
    "k23-reduction-run": ["reduction='auto': ValueError", "'mean_with_sample_weight': 2.5"],
    "k23-binacc-run": ["[[1. 1. 0.]"],
    "k23-reset-run": ["after reset_state() 0.000", "reset_states(): AttributeError"],
    "k23-ops-run": ["keras.backend has mean: False", "(one value per sample)"],
    "k23-ctc-run": ["has ctc_batch_cost: False"],
    "k23-losssub-run": ["Loss.call(self, y_true, y_pred)", "{'name': 'under_weighted', 'reduction'"],
    "k23-names-run": ["['loss', 'compile_metrics']", "'auc_1'", "acc=BinaryAccuracy"],
    "k23-weights-run": ["ValueError: You cannot `class_weight` and `sample_weight` at the same time"],
    "k23-input-run": ["input_shape", "keras.Input(shape=(13,)) warns: []"],
    "k23-callbacks-run": ["stopped early: False", "the best epoch's, not the last", "learning_rate"],
    "k23-mixed-run": ["set_global_policy is set_dtype_policy: True"],
}


def test_each_demonstration_of_the_keras_2_to_3_page_prints_what_its_text_says():
    cells = {c.id: c for c in _k23_run().executed.cells if c.cell_type == "code"}
    assert set(K23_SHOWS) <= set(cells)
    for cell_id, fragments in K23_SHOWS.items():
        out = _stream(cells[cell_id], "stdout")
        assert [f for f in fragments if f not in out] == [], f"{cell_id} printed:\n{out}"


# ------------------------------------------------------------------ bibliography

def _further_reading(stem):
    nb = nbformat.read(ROOT / "solutions" / f"{stem}.ipynb", as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("## Further reading")]


def test_each_chapter_cites_its_further_reading_with_bibtex_and_no_bare_links():
    for stem in toc_chapters():
        cells = _further_reading(stem)
        assert len(cells) == 1, stem
        assert "{cite}`" in cells[0], stem
        assert "](http" not in cells[0], f"{stem}: a raw link in Further reading"


def test_the_book_has_one_bibliography_on_the_references_page():
    sources = [p for p in (ROOT / "book").glob("*.md")] + list((ROOT / "solutions").glob("*.ipynb"))
    holders = [p.name for p in sources if "{bibliography}" in p.read_text(encoding="utf-8")]
    assert holders == ["references.md"]


def test_the_references_page_shows_every_entry_of_references_bib_with_its_link(built):
    entries = citations.links((ROOT / "references.bib").read_text(encoding="utf-8"))
    html = _article(_html("book/references"))
    shown = re.findall(r'<div class="citation" id="[^"]+" role="listitem">', html)
    assert len(shown) == len(entries) == len(re.findall(r"^@\w+\{", (ROOT / "references.bib").read_text(), re.M))
    missing = [url for url in entries.values() if f'href="{url}"' not in html.replace("&amp;", "&")]
    assert missing == []


def test_the_chapters_citations_link_to_the_references_page(built):
    for stem in toc_chapters():
        html = _html(f"solutions/{stem}")
        assert re.search(r'href="\.\./book/references\.html#id\d+"', html), stem


def test_learner_notebooks_show_the_citations_as_links_not_as_roles():
    addresses = citations.bibliography()
    for stem in toc_chapters():
        nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
        markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        assert "{cite" not in markdown, stem
        cited = re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", "\n".join(_further_reading(stem)))
        for key in (k.strip() for keys in cited for k in keys.split(",")):
            assert f"]({addresses[key]})" in markdown, f"{stem}: no link for {key}"


def test_a_citation_without_an_address_is_an_error_in_the_learner_notebooks():
    with pytest.raises(KeyError):
        citations.as_links("see {cite}`nowhere`", {"somewhere": "https://example.org"})
    assert citations.as_links("see {cite}`a,b`.", {"a": "https://x.org/", "b": "https://y.org/p"}) == \
        "see ([x.org](https://x.org/), [y.org/p](https://y.org/p))."


# ------------------------------------------------------------------ licence, version, last updated

def test_the_licence_file_gives_mit_for_code_and_cc_by_for_text():
    text = " ".join((ROOT / "LICENSE").read_text(encoding="utf-8").split())
    assert text.startswith("MIT License")
    assert "Creative Commons Attribution 4.0" in text and "CC BY 4.0" in text


def test_the_licence_page_explains_both_licences(built):
    text = visible_text(_article(_html("book/license")))
    assert "CC BY 4.0" in text and "MIT" in text and "LICENSE" in text


def _expected_version():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def _expected_date():
    return subprocess.run(["git", "log", "-1", "--format=%cs"], cwd=ROOT, capture_output=True,
                          text=True).stdout.strip()


def test_every_page_shows_the_licence_version_and_last_updated_line(built):
    expected = f"version {_expected_version()} · last updated {_expected_date()}"
    for page in site_pages():
        html = (HTML / page).read_text(encoding="utf-8")
        line = re.search(r'<p class="site-info">(.*?)</p>', html, flags=re.S)
        assert line, f"{page} has no site-info line"
        text = visible_text(line.group(1))
        assert "CC BY 4.0" in text and "MIT" in text and expected in text, f"{page}: {text}"
        licence = re.search(r'href="([^"]+)"', line.group(1)).group(1)
        assert ((HTML / page).parent / licence).resolve() == (HTML / "book" / "license.html").resolve()


def test_the_last_updated_date_is_the_last_commit_and_without_git_the_line_says_built(tmp_path):
    assert site_info.last_commit_date(ROOT) == _expected_date()
    assert site_info.last_commit_date(tmp_path) is None          # not a checkout
    line = site_info.footer_line("1.2.3", None, today=datetime.date(2030, 1, 2))
    assert "version 1.2.3" in line and "built 2030-01-02" in line and "last updated" not in line


def test_the_version_comes_from_pyproject(tmp_path):
    assert site_info.course_version(ROOT) == _expected_version()
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "9.8.7"\n')
    assert site_info.course_version(tmp_path) == "9.8.7"
    assert site_info.course_version(tmp_path / "missing") == ""
