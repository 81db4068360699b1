"""Sphinx extension: the site's layout and accessibility fixes that need the build, not only CSS.

- _templates/ goes first on the template path, so its copies of the theme's colour-mode button and
  search field (pydata-sphinx-theme components) replace the originals: their accessible name now
  matches what they show (axe: label-content-name-mismatch).
- The "Show code cell source" toggle of a cell with a hidden input (myst-nb's HideCodeCellNode) is
  written without myst-nb's `aria-label="Toggle hidden content"`, so its name is the text it shows.
- The bibliography's entries (docutils citations, sphinxcontrib-bibtex's) are list items of their
  `role="list"`: docutils marks them `doc-biblioentry`, a role DPUB-ARIA 1.1 deprecated, which axe
  does not accept as a list's child (aria-required-children, critical).
- Each section toggle of the sidebar (a `<summary>` the theme writes with only an icon inside) gets
  a name (axe: summary-name, serious).
- A table cell with a short text (a chapter number, a word) is marked `course-short`: course.css
  keeps every other cell readably wide on a phone (the table then scrolls), and lets these be narrow.
- A build in which only a file in _static/ changed still copies it: Sphinx stops at "no targets are
  out of date" before copying static files, so the site (and its browser tests) kept the old CSS.

The page layout itself (code blocks, tables, equations, inline code on a phone; dark mode) is
_static/course.css; tests/notebooks/test_site_layout.py and test_site_a11y.py check both in Chromium.
"""
from __future__ import annotations

import filecmp
from html import escape
from pathlib import Path

from docutils import nodes

SHORT = 8   # characters: a cell this short needs no minimum width

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "_templates"
STATIC = ROOT / "_static"


def put_templates_first(app, config):
    if str(TEMPLATES) not in config.templates_path:
        config.templates_path.insert(0, str(TEMPLATES))


def static_changed(app, env, added, changed, removed):
    """Re-read the root page when a file in _static/ differs from its copy, so the build copies it."""
    copies = Path(app.outdir) / "_static"
    for source in STATIC.rglob("*"):
        copy = copies / source.relative_to(STATIC)
        if source.is_file() and not (copy.is_file() and filecmp.cmp(source, copy, shallow=False)):
            return [app.config.root_doc]
    return []


def visit_citation(self, node):
    """docutils' visit_citation (HTML5), with each entry a plain list item."""
    if not isinstance(node.previous_sibling(), type(node)):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def depart_citation(self, node):
    self.body.append("</div>\n")
    if not isinstance(node.next_node(descend=False, siblings=True), type(node)):
        self.body.append("</div>\n")


def mark_short_cells(app, doctree):
    for cell in doctree.findall(nodes.entry):
        if len(cell.astext().strip()) <= SHORT:
            cell["classes"].append("course-short")


def visit_hidden_input(self, node):
    """myst-nb's visit_HideCellInput, with the summary named by its visible text."""
    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {classes}">\n<summary>\n')
    self.body.append(f'<p class="collapsed admonition-title">{escape(node["prompt_show"])}</p>\n')
    self.body.append(f'<p class="expanded admonition-title">{escape(node["prompt_hide"])}</p>\n')
    self.body.append("</summary>\n")


def depart_hidden_input(self, node):
    self.body.append("</details>\n")


def name_section_toggles(app, pagename, templatename, context, doctree):
    """Wrap the theme's sidebar builder (set by pydata-sphinx-theme at an earlier priority): it returns
    a BeautifulSoup tree, whose section toggles get a name here."""
    build = context.get("generate_toctree_html")
    if build is None:
        return

    def named(*args, **kwargs):
        tree = build(*args, **kwargs)
        for summary in getattr(tree, "find_all", lambda _: [])("summary"):
            item = summary.find_parent("li")
            link = item.find("a") if item is not None else None
            title = link.get_text(" ", strip=True) if link is not None else "this part"
            summary["aria-label"] = f"Show or hide the pages under {title}"
        return tree

    context["generate_toctree_html"] = named


def setup(app):
    app.setup_extension("myst_nb")
    from myst_nb.sphinx_ import HideCodeCellNode
    app.add_node(HideCodeCellNode, override=True, html=(visit_hidden_input, depart_hidden_input))
    app.add_node(nodes.citation, override=True, html=(visit_citation, depart_citation))
    app.connect("config-inited", put_templates_first)
    app.connect("env-get-outdated", static_changed)
    app.connect("doctree-read", mark_short_cells)
    app.connect("html-page-context", name_section_toggles, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 2}
