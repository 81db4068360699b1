"""Sphinx extension: figures that open at full size, numbered per chapter.

Full size: the image of each figure becomes a link to the image file itself, so a reader
(mouse, keyboard or touch) can open it at its drawn size; _static/figures.js turns that link
into a dialog showing the image at its natural size (scrolling on a phone), and without
JavaScript the browser opens the file. The link's accessible name is the image's alt text;
its title says what it does.

Per-chapter numbers: Sphinx numbers figures through the whole book (Fig. 1 to 39). A chapter
page (`solutions/NN_slug`) gets "Fig. NN.k" instead, k counting from 1 in each chapter; any
other page counts its own figures from 1. The numbers live where Sphinx keeps them
(`env.toc_fignumbers`), so captions and `{numref}` references agree. Sphinx recomputes its
numbers on every build and rewrites the pages whose numbers changed; its own numbers are kept
aside between builds and put back before it compares, so a page is rewritten only when its
figures change.
"""
from __future__ import annotations

import copy
import posixpath
import re
import urllib.parse

from docutils import nodes
from sphinx.util.osutil import relative_uri

TITLE = "Open the figure at full size"


def chapter_number(docname: str) -> int | None:
    """2 for `solutions/02_regression_losses`; None for a page that is not a chapter."""
    found = re.fullmatch(r"solutions/(\d+)_[^/]+", docname)
    return int(found.group(1)) if found else None


def per_chapter(numbers: dict) -> dict:
    """Sphinx's book-wide figure numbers of one page ({figtype: {id: (n,)}}), renumbered from 1."""
    return {figtype: {fid: k for k, fid in enumerate(sorted(ids, key=ids.get), start=1)}
            for figtype, ids in numbers.items()}


def _restore_sphinx_numbers(app, env):
    saved = getattr(env, "figures_sphinx_fignumbers", None)
    if saved is not None:
        env.toc_fignumbers = copy.deepcopy(saved)
    return []


def _number_per_chapter(app, env):
    env.figures_sphinx_fignumbers = copy.deepcopy(env.toc_fignumbers)
    before = getattr(env, "figures_chapter_fignumbers", {})
    after = {}
    for docname, numbers in env.toc_fignumbers.items():
        chapter = chapter_number(docname)
        prefix = (chapter,) if chapter is not None else ()
        after[docname] = {figtype: {fid: (*prefix, k) for fid, k in ids.items()}
                          for figtype, ids in per_chapter(numbers).items()}
    env.toc_fignumbers = after
    env.figures_chapter_fignumbers = copy.deepcopy(after)
    return [docname for docname in after if after[docname] != before.get(docname)]


def _image_file(env, image: nodes.image) -> str | None:
    """The name under _images/ that the HTML builder gives this image, as its post_process_images does."""
    candidates = image.get("candidates", {})
    if "?" in candidates:                       # a remote image
        return None
    uri = image["uri"] if "*" in candidates else next(
        (candidates[t] for t in ("image/png", "image/svg+xml", "image/jpeg", "image/gif") if t in candidates),
        image["uri"])
    return env.images[uri][1] if uri in env.images else None


def link_images(app, doctree, docname):
    """Wrap the image of every figure in a link to the image file (not for images already linked)."""
    if app.builder.format != "html":
        return
    imgpath = relative_uri(app.builder.get_target_uri(docname), "_images")
    for figure in doctree.findall(nodes.figure):
        for image in list(figure.findall(nodes.image)):
            if isinstance(image.parent, nodes.reference):
                continue
            name = _image_file(app.env, image)
            if name is None:
                continue
            link = nodes.reference("", "", internal=True, classes=["figure-zoom"], reftitle=TITLE,
                                   refuri=posixpath.join(imgpath, urllib.parse.quote(name)))
            image.replace_self(link)
            link.append(image)


def setup(app):
    app.connect("env-get-updated", _restore_sphinx_numbers, priority=400)   # before Sphinx's numbering (500)
    app.connect("env-get-updated", _number_per_chapter, priority=600)       # and after it
    app.connect("doctree-resolved", link_images)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
