"""The website: built offline with warnings as errors, chapters executed, solutions folded."""
import re

import nbformat

import chapter_runs

from autograder import exercises

from website import HTML, ROOT, build_book, toc_chapters, visible_text


def test_toc_lists_exactly_the_written_chapters():
    written = sorted(p.stem for p in (ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
    assert toc_chapters() == written
    slugs = {c.slug for c in exercises.CHAPTERS}
    assert set(written) <= slugs


def test_every_chapter_has_a_page(built):
    for stem in toc_chapters():
        assert (HTML / "solutions" / f"{stem}.html").exists()
    assert (HTML / "book" / "index.html").exists()


def test_pages_show_no_tracebacks_or_tensorflow_noise(built):
    for page in HTML.rglob("*.html"):
        text = visible_text(page.read_text(encoding="utf-8"))
        for noise in ("Traceback (most recent call last)", "I0000", "E0000", "port.cc:",
                      "absl::InitializeLog", "UserWarning",
                      "DeprecationWarning", "WARNING:tensorflow"):
            assert noise not in text, f"{page.relative_to(HTML)} shows {noise!r}"


def test_exercise_solutions_are_folded(built):
    for stem in toc_chapters():
        html = (HTML / "solutions" / f"{stem}.html").read_text(encoding="utf-8")
        nb = nbformat.read(ROOT / "solutions" / f"{stem}.ipynb", as_version=4)
        solution_cells = [c for c in nb.cells if "### BEGIN SOLUTION" in c.source]
        assert solution_cells and all("hide-input" in c.metadata.get("tags", []) for c in solution_cells)
        assert html.count("tag_hide-input") >= len(solution_cells)


def solution(stem):
    return nbformat.read(ROOT / "solutions" / f"{stem}.ipynb", as_version=4)


def _executed(stem):
    """The chapter as the book shows it: the solution notebook with the outputs of its one execution."""
    return chapter_runs.run(stem).executed


def _makes_an_image(cell):
    return any("image/png" in o.get("data", {}) for o in cell.get("outputs", []))


def test_every_plot_is_declared_as_a_figure_with_caption_and_alt_text(built):
    for stem in toc_chapters():
        for index, cell in enumerate(_executed(stem).cells):
            if cell.cell_type != "code" or "remove-cell" in cell.metadata.get("tags", []):
                continue
            declared = cell.metadata.get("mystnb", {})
            if _makes_an_image(cell):
                assert declared.get("figure", {}).get("caption"), f"{stem} cell {index}: a plot without a caption"
                assert declared.get("figure", {}).get("name"), f"{stem} cell {index}: a figure without a name"
                assert len(declared.get("image", {}).get("alt", "")) > 20, f"{stem} cell {index}: no alt text"
            elif "figure" in declared:
                raise AssertionError(f"{stem} cell {index}: declares a figure but made no image "
                                     "(is MPLBACKEND=Agg set for the kernel?)")


def test_every_figure_reaches_its_page_with_caption_and_alt_text(built):
    for stem in toc_chapters():
        html = (HTML / "solutions" / f"{stem}.html").read_text(encoding="utf-8")
        made = sum(_makes_an_image(c) for c in _executed(stem).cells
                   if "remove-cell" not in c.metadata.get("tags", []))
        figures = re.findall(r"<figure\b.*?</figure>", html, flags=re.S)
        with_everything = [f for f in figures
                           if re.search(r'<img [^>]*alt="[^"]{20,}"', f) and "<figcaption>" in f]
        assert made >= 1
        assert len(with_everything) == made, f"{stem}: {made} plots, {len(with_everything)} captioned figures"
        for img in re.findall(r'<img [^>]*src="([^"]+)"', html):
            assert (HTML / "solutions" / img).resolve().exists(), f"{stem}: missing image {img}"


def test_pages_show_no_test_markers(built):
    for stem in toc_chapters():
        text = visible_text((HTML / "solutions" / f"{stem}.html").read_text(encoding="utf-8"))
        for marker in ("NBVAL", "nbval", "# YOUR CODE HERE"):
            assert marker not in text, f"{stem} shows {marker!r}"


def test_the_self_check_on_the_site_says_it_ran_the_reference_solutions(built):
    for stem in toc_chapters():
        cells = solution(stem).cells
        assert "self_check(" in cells[-1].source
        assert cells[-2].cell_type == "markdown" and "ran the reference solution" in cells[-2].source


def test_chapter_pages_link_only_to_pages_that_exist(built):
    # Links written in a chapter's prose ("see chapter 06") must point at a written chapter.
    for stem in toc_chapters():
        for cell in solution(stem).cells:
            if cell.cell_type == "markdown":
                for number in re.findall(r"[Cc]hapters? (\d\d)", cell.source):
                    assert any(s.startswith(number) for s in toc_chapters()), \
                        f"{stem} refers to chapter {number}, which is not written"


def test_references_bib_holds_exactly_the_keys_the_chapters_cite():
    # The chapters cite in their Further reading with {cite}`key`; book/references.md shows the one
    # bibliography of references.bib (sphinxcontrib-bibtex), so the two must match both ways.
    cited = set()
    for stem in toc_chapters():
        for cell in solution(stem).cells:
            if cell.cell_type == "markdown" and cell.source.startswith("## Further reading"):
                for keys in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", cell.source):
                    cited |= {k.strip() for k in keys.split(",")}
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    listed = set(re.findall(r"^@\w+\{([^,\s]+),", bib, flags=re.M))
    assert cited, "no chapter cites anything"
    assert cited - listed == set(), f"cited by a chapter, missing from references.bib: {sorted(cited - listed)}"
    assert listed - cited == set(), f"in references.bib, cited by no chapter: {sorted(listed - cited)}"


def test_chapter_pages_link_to_their_learner_notebook(built):
    for stem in toc_chapters():
        html = (HTML / "solutions" / f"{stem}.html").read_text(encoding="utf-8")
        assert f'href="../notebooks/{stem}.ipynb"' in html
        assert "colab.research.google.com/github/" in html and "mybinder.org/v2/gh/" in html
        assert (HTML / "notebooks" / f"{stem}.ipynb").exists()


def test_internal_links_resolve(built):
    broken = []
    for page in HTML.rglob("*.html"):
        for href in re.findall(r'href="([^"#:?]+\.(?:html|ipynb))(?:#[^"]*)?"', page.read_text(encoding="utf-8")):
            if not (page.parent / href).resolve().exists():
                broken.append(f"{page.relative_to(HTML)} -> {href}")
    assert broken == []


def test_the_build_executes_no_chapter_the_tests_already_ran(built):
    # One execution per chapter: chapter_runs.py stored it where myst-nb's cache looks (a build that
    # re-reads a chapter says "Using cached notebook"; one with nothing to re-read says nothing).
    assert "Executing notebook" not in built


def test_a_rebuild_of_unchanged_chapters_executes_nothing(built):
    # Touching the notebooks makes Sphinx re-read them; myst-nb's cache must
    # recognise the unchanged code and reuse the stored outputs.
    import os
    for stem in toc_chapters():
        os.utime(ROOT / "solutions" / f"{stem}.ipynb")
    assert "Executing notebook" not in build_book()


# --------------------------------------------------------------------------- in a real browser

def test_formulas_render_without_a_cdn(browser):
    page, base, offsite = browser
    page.goto(f"{base}/solutions/02_regression_losses.html")
    page.wait_for_selector("mjx-container", timeout=15000)
    assert [u for u in offsite if "mathjax" in u.lower()] == []


# The page never scrolls sideways; inside the article only code blocks, tables and display
# equations may, each inside its own box (_static/course.css; every page at 1280 and 390 px, with
# the cue each box shows, is tests/notebooks/test_site_layout.py). Quizzes are included here.
_OVERFLOW_JS = """() => {
    const article = document.querySelector('article.bd-article');
    const edge = article.getBoundingClientRect().right + 1;
    const scrollBox = "pre, .pst-scrollable-table-container, mjx-container[display='true']";
    const bad = [];
    if (document.scrollingElement.scrollWidth > window.innerWidth) bad.push('the page itself');
    for (const el of article.querySelectorAll('*')) {
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.height === 0) continue;
        const style = getComputedStyle(el);
        const scrolls = ['auto', 'scroll'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1;
        const inBox = el.parentElement.closest(scrollBox) !== null;
        if ((scrolls && !el.matches(scrollBox)) || (box.right > edge && !inBox)) {
            bad.push(el.tagName + '.' + el.className + ': ' + (el.innerText || '').slice(0, 60));
        }
    }
    return bad;
}"""


def test_a_chapter_page_never_scrolls_sideways_at_1280_px_only_its_code_tables_and_equations_may(browser):
    page, base, _ = browser
    for stem in toc_chapters():
        page.goto(f"{base}/solutions/{stem}.html")
        page.wait_for_selector("mjx-container", timeout=15000)
        page.wait_for_timeout(500)
        assert page.evaluate(_OVERFLOW_JS) == [], stem


def test_every_figure_is_drawn_in_the_browser(browser):
    page, base, _ = browser
    for stem in toc_chapters():
        page.goto(f"{base}/solutions/{stem}.html")
        page.wait_for_load_state("load")
        sizes = page.evaluate("""() => Array.from(document.querySelectorAll('figure img'))
            .map(img => [img.naturalWidth, img.getBoundingClientRect().width])""")
        assert sizes, stem
        assert all(natural > 100 and shown > 200 for natural, shown in sizes), f"{stem}: {sizes}"


def test_no_escaped_underscore_inside_text_in_formulas():
    # MathJax shows \text{a\_b} with the backslash; write \texttt{a_b} instead.
    for stem in toc_chapters():
        for cell in solution(stem).cells:
            if cell.cell_type == "markdown":
                assert not re.search(r"\\text(tt|rm)?\{[^}]*\\_", cell.source), f"{stem}: {cell.source[:120]}"


def test_exercise_solutions_are_hidden_until_clicked(browser):
    page, base, _ = browser
    page.goto(f"{base}/solutions/02_regression_losses.html")
    solution = page.locator("div.tag_hide-input").first
    source = solution.locator("div.cell_input").first
    assert not source.is_visible()
    solution.locator("summary").first.click()
    assert source.is_visible()
