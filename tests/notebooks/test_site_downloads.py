"""The header's download menu and the launch links of the built site, as a reader meets them in Chromium (1280 px).

A chapter page is built from its solution notebook; its download menu must give the exercise notebook
(the released file from notebooks/, solutions removed), and no `.pdf` entry that only opens the
browser's print dialog. The Colab, Binder and repository links, the clone command on the setup page
and the exercise notebooks' install cell all carry `repository.url` from _config.yml, and no page
shows another repository address.
"""
from __future__ import annotations

import json
import re

import pytest
import yaml

from website import ROOT, site_pages, toc_chapters

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
URL = CONFIG["repository"]["url"].rstrip("/")
BRANCH = CONFIG["repository"].get("branch", "main")
OWNER_REPO = URL.split("github.com/", 1)[1]
SPHINX = CONFIG["sphinx"]["config"]

NAME = r"[A-Za-z0-9_.-]+"
ADDRESS = re.compile(r"(?:github\.com[/:]|colab\.research\.google\.com/github/|/v2/gh/)"
                     r"(" + NAME + r"/" + NAME + r")(/(?:issues|pull|discussions|commit|releases)/)?")


def download_menu(page) -> list[dict]:
    """The entries of the header's download menu, opened by a click as a reader opens it."""
    toggle = page.locator(".article-header-buttons .dropdown-download-buttons > button.dropdown-toggle")
    if toggle.count() == 0:
        return []
    assert toggle.is_visible(), f"{page.url}: the download button is hidden"
    toggle.click()
    menu = page.locator(".article-header-buttons .dropdown-download-buttons .dropdown-menu")
    menu.wait_for(state="visible")
    items = menu.locator(".dropdown-item").evaluate_all(
        "els => els.map(e => ({text: e.innerText.trim(), href: e.href || null,"
        " onclick: e.getAttribute('onclick'), visible: e.getBoundingClientRect().width > 0}))")
    page.keyboard.press("Escape")
    return items


def fetch(page, url: str) -> bytes:
    response = page.request.get(url)
    assert response.ok, f"{url}: HTTP {response.status}"
    return response.body()


@pytest.fixture(scope="module")
def visited(browser) -> dict[str, dict]:
    """Each page of the book, opened once: its download menu (opened by a click), links, visible text."""
    page, base, _ = browser
    seen = {}
    for path in site_pages():
        page.goto(f"{base}/{path}", wait_until="domcontentloaded")
        button = page.locator(".article-header-buttons a.btn-source-repository-button")
        seen[path] = {
            "menu": download_menu(page),
            "hrefs": page.locator("a[href]").evaluate_all("els => els.map(e => e.href)"),
            "text": page.locator("body").inner_text(),
            "repository_button": button.get_attribute("href") if button.count() and button.is_visible() else None,
        }
    return seen


def test_each_chapters_header_download_is_its_released_learner_notebook(browser, visited):
    page, _, _ = browser
    for stem in toc_chapters():
        items = visited[f"solutions/{stem}.html"]["menu"]
        notebooks = [i for i in items if i["href"] and i["href"].endswith(".ipynb")]
        assert len(notebooks) == 1 and notebooks[0]["visible"], f"{stem}: download menu {items}"
        body = fetch(page, notebooks[0]["href"])
        assert b"BEGIN SOLUTION" not in body, f"{stem}: the header download is the solution notebook"
        assert body == (ROOT / "notebooks" / f"{stem}.ipynb").read_bytes(), \
            f"{stem}: the header download {notebooks[0]['href']} is not the released notebooks/{stem}.ipynb"


def test_no_page_offers_a_solution_notebook_for_download(browser, visited):
    page, _, _ = browser
    offered = [f"{path}: {item['text']} -> {item['href']}" for path, seen in visited.items()
               for item in seen["menu"] if item["href"] and b"BEGIN SOLUTION" in fetch(page, item["href"])]
    assert offered == []


def test_no_page_offers_the_print_dialog_as_a_pdf(browser, visited):
    page, _, _ = browser
    fake = []
    for path, seen in visited.items():
        for item in seen["menu"]:
            if "print" in (item["onclick"] or ""):
                fake.append(f"{path}: {item['text']!r} opens the print dialog")
            elif ".pdf" in item["text"] and not (item["href"] and fetch(page, item["href"]).startswith(b"%PDF")):
                fake.append(f"{path}: {item['text']!r} is not a PDF file")
    assert fake == []


def test_each_chapters_launch_links_open_its_learner_notebook_from_the_configured_address(visited):
    for stem in toc_chapters():
        seen = visited[f"solutions/{stem}.html"]
        notebook = f"notebooks/{stem}.ipynb"
        assert [h for h in seen["hrefs"] if "colab.research.google.com" in h] == \
            [f"{SPHINX['colab_url']}/github/{OWNER_REPO}/blob/{BRANCH}/{notebook}"], stem
        assert [h for h in seen["hrefs"] if "mybinder.org" in h] == \
            [f"{SPHINX['binder_url']}/v2/gh/{OWNER_REPO}/{BRANCH}?labpath={notebook}"], stem
        assert (seen["repository_button"] or "").rstrip("/") == URL, stem


def test_no_page_shows_a_repository_address_but_the_configured_one(visited):
    others = []
    for path, seen in visited.items():
        for found in ADDRESS.finditer("\n".join(seen["hrefs"] + [seen["text"]])):
            repo, citation = found.group(1).removesuffix(".git"), found.group(2)
            if repo != OWNER_REPO and not citation:
                others.append(f"{path}: {found.group(0)}")
    assert others == []


def test_the_setup_page_clones_the_configured_repository(visited):
    assert f"git clone {URL}\ncd {URL.rsplit('/', 1)[-1]}\n" in visited["book/setup.html"]["text"]


@pytest.mark.parametrize("stem", toc_chapters())
def test_the_downloaded_learner_notebook_installs_the_course_from_the_configured_address(browser, stem):
    page, base, _ = browser
    nb = json.loads(fetch(page, f"{base}/notebooks/{stem}.ipynb"))
    install = [c for c in nb["cells"] if "%pip install" in "".join(c["source"])]
    assert len(install) == 1, f"{stem}: {len(install)} install cells"
    assert re.findall(r"git\+(\S+?)\"", "".join(install[0]["source"])) == [URL]
