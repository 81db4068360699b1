"""Citations for the learner notebooks: `{cite}` roles become plain Markdown links.

The chapters cite their sources with MyST's {cite}`key` (sphinxcontrib-bibtex renders them on the
website, from references.bib). Jupyter and Colab would show the role as raw text, so the learner
notebooks get a link instead: {cite}`huber1964` becomes ([doi.org/10.1214/aoms/1177703732](...)).
Only the `url` and `doi` fields of references.bib are read; nothing here needs pybtex.
"""
from __future__ import annotations

import re
from pathlib import Path

BIB = Path(__file__).resolve().parent.parent / "references.bib"
ROLE = re.compile(r"\s*\{cite(?::[a-z]+)?\}`([^`]+)`")
_ENTRY = re.compile(r"@\w+\s*\{\s*([^,\s]+)\s*,(.*?)\n\}", re.S)
_FIELD = re.compile(r"^\s*(url|doi)\s*=\s*\{(.*)\},?\s*$", re.M)


def links(bib_text: str) -> dict[str, str]:
    """{key: the address of the entry} for every entry with a url or a doi."""
    found = {}
    for key, body in _ENTRY.findall(bib_text):
        fields = dict(_FIELD.findall(body))
        if "url" in fields:
            found[key] = fields["url"]
        elif "doi" in fields:
            found[key] = "https://doi.org/" + fields["doi"]
    return found


def _label(url: str) -> str:
    return re.sub(r"^https?://(www\.)?", "", url).rstrip("/")


def as_links(markdown: str, addresses: dict[str, str]) -> str:
    """`markdown` with each {cite}`a,b` role replaced by ` ([a's address](...), [b's](...))`."""
    def replace(match):
        keys = [k.strip() for k in match.group(1).split(",")]
        if not all(k in addresses for k in keys):
            raise KeyError(f"cited but not in references.bib (or without url/doi): {keys}")
        return " (" + ", ".join(f"[{_label(addresses[k])}]({addresses[k]})" for k in keys) + ")"
    return ROLE.sub(replace, markdown)


def bibliography() -> dict[str, str]:
    """The addresses of references.bib, or {} when the file is missing."""
    return links(BIB.read_text(encoding="utf-8")) if BIB.exists() else {}
