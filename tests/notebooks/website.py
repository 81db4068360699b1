"""The built website: its pages, their visible text, and building it (for the site fixtures and tests)."""
from __future__ import annotations

import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import yaml


ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
CHROMIUM = "/usr/bin/chromium"
LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def toc_files() -> list[str]:
    """Every page in _toc.yml, as its source path without suffix (`book/index`, `solutions/02_...`)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]


def toc_chapters() -> list[str]:
    return [f.split("/", 1)[1] for f in toc_files() if f.startswith("solutions/")]


def site_pages() -> list[str]:
    """The URL path of every page of the book, relative to the site root (`solutions/02_....html`)."""
    return [f"{f}.html" for f in toc_files()]


class _Text(HTMLParser):
    """Visible text of a page (no scripts or styles)."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "".join(parser.parts)


def build_book() -> str:
    jb = Path(sys.executable).parent / "jupyter-book"
    proc = subprocess.run([str(jb), "build", ".", "--warningiserror", "--nitpick", "--keep-going"],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    return proc.stdout + proc.stderr
