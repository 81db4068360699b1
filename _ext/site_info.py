"""Sphinx extension: a footer line on every page with the licence, the course version and the date
of the last change.

The version is `project.version` from pyproject.toml; the date is that of the last git commit
(`git log -1 --format=%cs`), read once when the build starts. Without git, or outside a checkout
(a source archive), the line says when the site was built instead, so it never claims a date it
cannot know. The line goes into the theme's `extra_footer` slot (sphinx-book-theme), through the
page context: no template is overridden.
"""
from __future__ import annotations

import datetime
import html
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def course_version(root: Path = ROOT) -> str:
    """The package version declared in pyproject.toml ("" when there is none)."""
    try:
        return str(tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return ""


def last_commit_date(root: Path = ROOT) -> str | None:
    """YYYY-MM-DD of the last commit of the checkout at `root`, or None without git or a checkout."""
    try:
        done = subprocess.run(["git", "log", "-1", "--format=%cs"], cwd=root, capture_output=True,
                              text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    date = done.stdout.strip()
    return date if done.returncode == 0 and len(date) == 10 else None


def footer_line(version: str, commit_date: str | None, today: datetime.date | None = None) -> str:
    """The footer's HTML: licence, version, and the last-updated (or, without git, built) date."""
    parts = ['Text and figures <a href="{license}">CC BY 4.0</a>, code <a href="{license}">MIT</a>']
    if version:
        parts.append(f"version {html.escape(version)}")
    if commit_date:
        parts.append(f"last updated {html.escape(commit_date)}")
    else:
        parts.append(f"built {(today or datetime.date.today()).isoformat()}")
    return '<p class="site-info">' + " · ".join(parts) + "</p>"


def _compute_line(app, config):
    # In html_context, a config value Sphinx hashes into the HTML build info: when the version or
    # the date changes, an incremental build rewrites every page, not only the changed ones.
    config.html_context = {**config.html_context,
                           "course_site_info": footer_line(course_version(), last_commit_date())}


def add_footer(app, pagename, templatename, context, doctree):
    line = context.get("course_site_info") or footer_line(course_version(), last_commit_date())
    license_page = (app.builder.get_relative_uri(pagename, "book/license")   # "" on the licence page itself
                    or app.builder.get_target_uri("book/license").rsplit("/", 1)[-1])
    context["theme_extra_footer"] = line.replace("{license}", html.escape(license_page))


def setup(app):
    app.connect("config-inited", _compute_line)
    app.connect("html-page-context", add_footer)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
