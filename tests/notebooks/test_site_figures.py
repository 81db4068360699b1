"""Readable figures: drawn for the column, open at full size, legible on a phone, numbered per chapter.

Scale is what the reader sees against what was drawn: the image's width on the page over its
natural width (its pixels). A label's size on screen, in CSS pixels, is its size in points
x dpi / 72 x that scale. Tick labels are the smallest text matplotlib draws unless a cell says
otherwise; they are drawn at the chapter's `font.size` (its setup cell sets it), and the dpi is
read from the PNG itself. Figure numbers are checked on the pages, and the numbering extension
(_ext/figures.py) also in a small Sphinx project of its own: `{numref}` references, and a
rebuild that must not rewrite pages whose figures did not change.
"""
from __future__ import annotations

import ast
import io
import re
import subprocess
import sys

import nbformat
import pytest
from PIL import Image

from website import HTML, ROOT, toc_chapters, toc_files

LAPTOP_MIN_SCALE = 0.8         # issue 19: no figure shown below 0.8 of its drawn size at 1280 px
PHONE_MIN_INLINE_PX = 8.0      # tick labels in the page at 390 px: readable as an overview
FULL_SIZE_MIN_PX = 14.0        # tick labels in the full-size view: the size of small print on the site
MATPLOTLIB_FONT_SIZE = 10.0    # matplotlib's default font.size, when a chapter sets none

_FIGURES_JS = """() => Array.from(document.querySelectorAll('figure img')).map(img => ({
    id: img.closest('figure').id, src: img.currentSrc, natural: img.naturalWidth,
    shown: img.getBoundingClientRect().width,
    href: img.closest('a') ? img.closest('a').href : null,
    number: (img.closest('figure').querySelector('.caption-number') || {}).textContent}))"""


def _open(page, base, stem):
    page.goto(f"{base}/solutions/{stem}.html")
    page.wait_for_load_state("load")
    page.wait_for_function("Array.from(document.images).every(i => i.complete)")
    return page.evaluate(_FIGURES_JS)


def font_size_pt(stem: str) -> float:
    """The font.size a chapter's setup cell gives matplotlib (plt.rcParams.update({...}))."""
    nb = nbformat.read(ROOT / "solutions" / f"{stem}.ipynb", as_version=4)
    setup = next(c for c in nb.cells if c.cell_type == "code")
    for node in ast.walk(ast.parse(setup.source)):
        if (isinstance(node, ast.Call) and ast.unparse(node.func) == "plt.rcParams.update"
                and isinstance(node.args[0], ast.Dict)):
            found = ast.literal_eval(node.args[0])
            return float(found.get("font.size", MATPLOTLIB_FONT_SIZE))
    return MATPLOTLIB_FONT_SIZE


def _png(page, url: str) -> Image.Image:
    response = page.request.get(url)
    assert response.ok, url
    return Image.open(io.BytesIO(response.body()))


def _dpi(image: Image.Image) -> float:
    return float(image.info.get("dpi", (72, 72))[0])


def test_every_figure_is_shown_at_least_at_four_fifths_of_its_drawn_size_on_a_laptop(browser):
    page, base, _ = browser
    small = []
    for stem in toc_chapters():
        figures = _open(page, base, stem)
        assert figures, stem
        small += [f"{stem} {f['id']}: {f['shown']:.0f} of {f['natural']} px ({f['shown'] / f['natural']:.2f})"
                  for f in figures if f["shown"] / f["natural"] < LAPTOP_MIN_SCALE]
    assert not small, "\n".join(small)


def test_every_figure_image_links_to_its_full_size_file(browser):
    page, base, _ = browser
    for stem in toc_chapters():
        for figure in _open(page, base, stem):
            assert figure["href"], f"{stem} {figure['id']}: the image is not a link"
            assert figure["href"] == figure["src"], f"{stem} {figure['id']}: links to {figure['href']}"
            assert _png(page, figure["href"]).width == figure["natural"], f"{stem} {figure['id']}"


def test_a_figure_opens_at_full_size_from_the_keyboard_and_closes_back_to_it(browser):
    page, base, _ = browser
    for stem in toc_chapters():
        for figure in _open(page, base, stem):
            link = page.locator(f"figure#{figure['id']} a.figure-zoom")
            link.focus()
            page.keyboard.press("Enter")
            dialog = page.locator("dialog.figure-zoom-dialog[open]")
            dialog.wait_for()
            full = dialog.locator("img")
            full.wait_for()
            page.wait_for_function("document.querySelector('dialog.figure-zoom-dialog[open] img').complete")
            natural, shown = full.evaluate("i => [i.naturalWidth, i.getBoundingClientRect().width]")
            assert natural == figure["natural"] and abs(shown - natural) < 1, f"{stem} {figure['id']}"
            assert dialog.get_attribute("aria-label") == f"{figure['number'].strip()} at full size"
            assert page.evaluate("document.activeElement.textContent") == "Close"
            page.keyboard.press("Escape")
            assert not page.locator("dialog.figure-zoom-dialog").count(), f"{stem} {figure['id']}: still open"
            assert page.evaluate("document.activeElement.closest('figure') && "
                                 "document.activeElement.closest('figure').id") == figure["id"]


def test_every_figure_link_is_named_by_its_alt_text(browser):
    from playwright.sync_api import expect
    page, base, _ = browser
    for stem in toc_chapters():
        _open(page, base, stem)
        links = page.locator("figure a.figure-zoom")
        assert links.count() == page.locator("figure img").count(), stem
        for i in range(links.count()):
            alt = links.nth(i).locator("img").get_attribute("alt")
            assert len(alt) > 20, stem
            expect(links.nth(i)).to_have_accessible_name(alt)
            expect(links.nth(i)).to_have_accessible_description("Open the figure at full size")


def test_figure_labels_are_legible_on_a_phone(phone):
    """At 390 px: tick labels at least 8 px in the page, and at least 14 px in the full-size view."""
    page, base, _ = phone
    too_small = []
    for stem in toc_chapters():
        points = font_size_pt(stem)
        for figure in _open(page, base, stem):
            px_per_pt = _dpi(_png(page, figure["src"])) / 72
            inline = points * px_per_pt * figure["shown"] / figure["natural"]
            if inline < PHONE_MIN_INLINE_PX:
                too_small.append(f"{stem} {figure['id']}: {inline:.1f} px in the page")
            link = page.locator(f"figure#{figure['id']} a.figure-zoom")
            if not link.count():
                too_small.append(f"{stem} {figure['id']}: no full-size view")
                continue
            page_width = page.evaluate("document.documentElement.scrollWidth")
            link.click()
            full = page.locator("dialog.figure-zoom-dialog[open] img")
            full.wait_for()
            page.wait_for_function("document.querySelector('dialog.figure-zoom-dialog[open] img').complete")
            natural, shown = full.evaluate("i => [i.naturalWidth, i.getBoundingClientRect().width]")
            opened = points * px_per_pt * shown / natural
            if opened < FULL_SIZE_MIN_PX:
                too_small.append(f"{stem} {figure['id']}: {opened:.1f} px at full size")
            widened = page.evaluate("document.documentElement.scrollWidth") - page_width
            assert not widened, f"{stem} {figure['id']}: the open figure widens the page by {widened} px"
            page.keyboard.press("Escape")
    assert not too_small, "\n".join(too_small)


def _caption_numbers(html: str) -> list[str]:
    return [n.strip() for n in re.findall(r'<span class="caption-number">([^<]*)</span>', html)]


def test_figure_numbers_restart_in_each_chapter_with_its_number(built):
    for path in toc_files():
        numbers = _caption_numbers((HTML / f"{path}.html").read_text(encoding="utf-8"))
        found = re.fullmatch(r"solutions/(\d+)_.*", path)
        prefix = f"{int(found.group(1))}." if found else ""
        assert numbers == [f"Fig. {prefix}{k}" for k in range(1, len(numbers) + 1)], f"{path}: {numbers}"
    assert _caption_numbers((HTML / "solutions" / "02_regression_losses.html").read_text(encoding="utf-8"))


# ---- the numbering extension on a project of its own -------------------------------------------

_CHAPTER = """Demo
====

.. figure:: a.png
   :name: fig-first

   The first figure.

.. figure:: a.png
   :name: fig-second

   The second figure.

See :numref:`fig-second`.
"""

_PAGE = """A page
======

.. figure:: a.png
   :name: fig-page

   A figure of a page that is not a chapter.

The chapter's first figure is :numref:`fig-first`.
"""


def _project(tmp_path):
    src = tmp_path / "src"
    (src / "solutions").mkdir(parents=True)
    (src / "book").mkdir()
    Image.new("RGB", (40, 20), "white").save(src / "a.png")
    (src / "solutions" / "a.png").write_bytes((src / "a.png").read_bytes())
    (src / "book" / "a.png").write_bytes((src / "a.png").read_bytes())
    (src / "conf.py").write_text(f"import sys\nsys.path.insert(0, {str(ROOT / '_ext')!r})\n"
                                 "extensions = ['figures']\nnumfig = True\n")
    (src / "index.rst").write_text("Book\n====\n\n.. toctree::\n\n   solutions/07_demo\n   book/page\n")
    (src / "solutions" / "07_demo.rst").write_text(_CHAPTER)
    (src / "book" / "page.rst").write_text(_PAGE)
    return src


def _build(src, out):
    """An incremental HTML build, as `jupyter-book build` runs Sphinx (warnings are errors)."""
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-W", "-q", str(src), str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _text(out, page):
    return (out / f"{page}.html").read_text(encoding="utf-8")


def test_numref_shows_the_chapter_number_and_pages_count_their_own(tmp_path):
    src, out = _project(tmp_path), tmp_path / "out"
    _build(src, out)
    chapter, other = _text(out, "solutions/07_demo"), _text(out, "book/page")
    assert _caption_numbers(chapter) == ["Fig. 7.1", "Fig. 7.2"]
    assert _caption_numbers(other) == ["Fig. 1"]
    assert re.search(r'<span class="std std-numref">Fig\. 7\.2</span>', chapter)
    assert re.search(r'<span class="std std-numref">Fig\. 7\.1</span>', other)


def test_a_rebuild_rewrites_only_the_pages_whose_figure_numbers_changed(tmp_path):
    src, out = _project(tmp_path), tmp_path / "out"
    _build(src, out)
    pages = ["solutions/07_demo", "book/page", "index"]
    written = {p: (out / f"{p}.html").stat().st_mtime_ns for p in pages}
    _build(src, out)
    assert {p: (out / f"{p}.html").stat().st_mtime_ns for p in pages} == written
    first = ".. figure:: a.png\n   :name: fig-first"
    new_first = ".. figure:: a.png\n   :name: fig-zero\n\n   A new first figure.\n\n"
    (src / "solutions" / "07_demo.rst").write_text(_CHAPTER.replace(first, new_first + first))
    _build(src, out)
    assert _caption_numbers(_text(out, "solutions/07_demo")) == ["Fig. 7.1", "Fig. 7.2", "Fig. 7.3"]
    assert re.search(r'<span class="std std-numref">Fig\. 7\.2</span>', _text(out, "book/page"))
