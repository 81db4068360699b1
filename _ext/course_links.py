"""Sphinx extension: link each chapter page to its learner notebook; serve MathJax.

Chapter pages are built from solutions/; learners want the exercise version in
notebooks/. Under each chapter's title this adds: download (a copy shipped with
the site), Open in Colab and Launch Binder, built from `repository.url` in
_config.yml — the one place the repository address is written. Pages that show
the address (the clone command in book/setup.md) write `{{ repository_url }}` and
`{{ repository_name }}`, which this extension fills in from the same setting.

The theme's header download menu is rewritten: on a chapter page it offers the
learner notebook (never the solution notebook the page is built from), on another
notebook page that notebook, on a prose page nothing; no `.pdf` entry (the theme's
is the browser's print dialog, not a file).

It also copies MathJax (from the django-static-mathjax package, one
self-contained file) into the site, so formulas render without a CDN, and
drops scripts that a page would load twice (sphinx-thebe registers its inline
configuration once per read pass, and a second `const` declaration is a
JavaScript error on every page).
"""
from __future__ import annotations

import shutil
from pathlib import Path

from docutils import nodes

ROOT = Path(__file__).resolve().parent.parent


def _repo(app):
    url = (app.config.html_theme_options or {}).get("repository_url", "")
    branch = (app.config.html_theme_options or {}).get("repository_branch", "main")
    return url.rstrip("/"), branch


def learner_notebook(docname: str) -> str | None:
    """`notebooks/<stem>.ipynb` for a chapter page (a page built from solutions/), else None."""
    if not docname.startswith("solutions/"):
        return None
    stem = docname.split("/", 1)[1]
    return f"notebooks/{stem}.ipynb" if (ROOT / "notebooks" / f"{stem}.ipynb").exists() else None


def fill_in_repository(app, docname, source):
    """Replace `{{ repository_url }}` / `{{ repository_name }}` in a page's source by the configured address."""
    url, _ = _repo(app)
    for key, value in (("repository_url", url), ("repository_name", url.rsplit("/", 1)[-1])):
        source[0] = source[0].replace("{{ %s }}" % key, value)


def download_menu(app, pagename, templatename, context, doctree):
    """The header download menu offers the notebook a learner can run, and no print-dialog `.pdf`."""
    buttons = context.get("header_buttons")
    group = next((b for b in buttons or [] if b.get("label") == "download-buttons"), None)
    if group is None:
        return
    learner = learner_notebook(pagename)
    if learner is not None:
        offer = [{"type": "link", "url": context["pathto"](learner, 1), "text": "exercise notebook (.ipynb)",
                  "tooltip": "Download the exercise notebook (no solutions)", "icon": "fas fa-code",
                  "label": "download-notebook-button"}]
    elif pagename.startswith("solutions/"):
        offer = []                      # a solution notebook with no learner copy: offer nothing
    else:                               # a notebook page's own notebook; a prose page's .md source is not offered
        offer = [b for b in group["buttons"] if b.get("type") == "link" and b.get("url", "").endswith(".ipynb")]
    if offer:
        group["buttons"] = offer
        if learner is not None:
            group["tooltip"] = "Download the exercise notebook"
    else:
        buttons.remove(group)


def add_links(app, doctree, docname):
    path = learner_notebook(docname)
    if path is None:
        return
    url, branch = _repo(app)
    links = [f'<a class="reference external" href="../{path}" download>Download the exercise notebook</a>']
    if url.startswith("https://github.com/"):
        owner_repo = url[len("https://github.com/"):]
        links.append(f'<a class="reference external" href="{app.config.colab_url}/github/{owner_repo}'
                     f'/blob/{branch}/{path}">Open in Colab</a>')
        links.append(f'<a class="reference external" href="{app.config.binder_url}/v2/gh/{owner_repo}'
                     f'/{branch}?labpath={path}">Launch on Binder</a>')
    html = ('<div class="admonition tip learner-links"><p class="admonition-title">Work through it yourself</p>'
            '<p>' + " · ".join(links) + "</p><p>The exercise notebook has the same text with the solutions "
            "removed; its last cell checks your answers.</p></div>")
    raw = nodes.raw("", html, format="html")
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        doctree.insert(0, raw)
        return
    title_index = next((i for i, child in enumerate(section.children) if isinstance(child, nodes.title)), -1)
    section.insert(title_index + 1, raw)


def copy_notebooks(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "notebooks"
    target.mkdir(parents=True, exist_ok=True)
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        shutil.copy2(nb, target / nb.name)
    import mathjax
    source = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5" / "tex-svg.js"
    (Path(app.outdir) / "_static" / "mathjax").mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, Path(app.outdir) / "_static" / "mathjax" / "tex-svg.js")


def drop_repeated_scripts(app, pagename, templatename, context, doctree):
    seen, unique = set(), []
    for script in context.get("script_files", []):
        attributes = getattr(script, "attributes", {})
        key = (str(getattr(script, "filename", script) or ""), tuple(sorted((k, str(v)) for k, v in attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    if "script_files" in context:
        context["script_files"][:] = unique


def setup(app):
    app.add_config_value("binder_url", "https://mybinder.org", "html")
    app.add_config_value("colab_url", "https://colab.research.google.com", "html")
    app.connect("source-read", fill_in_repository)
    app.connect("doctree-resolved", add_links)
    app.connect("html-page-context", download_menu, priority=600)         # after the theme's (501)
    app.connect("build-finished", copy_notebooks)
    app.connect("html-page-context", drop_repeated_scripts, priority=900)   # after the others add theirs
    # env_version: raise it when the pages this extension writes change (a warm build then re-renders
    # every page instead of keeping ones written by the old code; Sphinx does not watch extension code).
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 2}
