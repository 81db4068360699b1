"""Sphinx extension: serve the quiz renderer once per page.

The chapters' quizzes (autograder/quiz.py) carry their questions in the page's HTML; in a notebook
each one also carries the renderer as a JavaScript output. The site drops those outputs
(`nb_mime_priority_overrides` in _config.yml) and loads autograder/static/quiz.js and quiz.css,
the same files, once per page.
"""
from __future__ import annotations

import shutil
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "autograder" / "static"


def copy_assets(app, exception):
    # Copied at every build (an incremental build left a stale copy when this was a static path).
    if exception is None and app.builder.format == "html":
        for name in ("quiz.js", "quiz.css"):
            shutil.copyfile(STATIC / name, Path(app.outdir) / "_static" / name)


def setup(app):
    app.connect("build-finished", copy_assets)
    app.add_css_file("quiz.css")
    app.add_js_file("quiz.js", defer="defer")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
