"""The built website and a headless Chromium on it, shared by test_book.py and the test_site_*.py files.

The site is built once per worker (these files are one xdist work unit: see tests/conftest.py).
`browser` is a page at laptop width (1280 x 900) and `phone` one at phone width (390 x 844); each is
`(page, base_url, offsite_requests)`. The pages come from a quiet local HTTP server over _build/html.
"""
from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

import chapter_runs
from website import HTML, LAPTOP, PHONE, build_book, toc_chapters


@pytest.fixture(scope="session")
def built() -> str:
    """Build the book (the chapters and book notebooks executed once, or reused, into the cache it
    reads); its build log."""
    for stem in toc_chapters():
        assert not chapter_runs.run(stem).errors(), f"{stem} raises; tests/notebooks/test_chapters.py says where"
    for stem in chapter_runs.book_notebooks():
        assert not chapter_runs.book_run(stem).errors(), f"book/{stem}.ipynb raises"
    return build_book()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site_url(built):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(HTML)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _page(chromium, site_url, viewport):
    page = chromium.new_page(viewport=viewport)
    offsite = []
    page.on("request", lambda r: offsite.append(r.url)
            if not r.url.startswith(("http://127.0.0.1", "data:", "blob:")) else None)
    return page, site_url, offsite


@pytest.fixture(scope="session")
def browser(chromium, site_url):
    page, base, offsite = _page(chromium, site_url, LAPTOP)
    yield page, base, offsite
    page.close()


@pytest.fixture(scope="session")
def phone(chromium, site_url):
    page, base, offsite = _page(chromium, site_url, PHONE)
    yield page, base, offsite
    page.close()
