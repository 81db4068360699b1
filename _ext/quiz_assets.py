"""Sphinx extension: serve the quiz renderer once per page.

The chapters' quizzes (autograder/quiz.py) carry their questions in the page's HTML; in a notebook
each one also carries the renderer as a JavaScript output. The site drops those outputs
(`DropScriptOnlyOutputs` below, before myst-nb picks a MIME type, which would warn that the html
builder has none for them) and loads autograder/static/quiz.js and quiz.css, the same files,
once per page.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

STATIC = Path(__file__).resolve().parent.parent / "autograder" / "static"


def copy_assets(app, exception):
    # Copied at every build (an incremental build left a stale copy when this was a static path).
    if exception is None and app.builder.format == "html":
        for name in ("quiz.js", "quiz.css"):
            shutil.copyfile(STATIC / name, Path(app.outdir) / "_static" / name)


class DropScriptOnlyOutputs(SphinxPostTransform):
    """Remove notebook outputs whose only MIME type is application/javascript (the quiz renderer)."""

    default_priority = 3          # before myst-nb's SelectMimeType (4)
    formats = ("html",)

    def run(self, **kwargs) -> None:
        for node in list(self.document.findall(nodes.container)):
            if node.get("nb_element") == "mime_bundle" and \
                    [child.get("mime_type") for child in node.children] == ["application/javascript"]:
                node.parent.remove(node)


def setup(app):
    app.add_post_transform(DropScriptOnlyOutputs)
    app.connect("build-finished", copy_assets)
    app.add_css_file("quiz.css")
    app.add_js_file("quiz.js", defer="defer")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
