"""The website fits a laptop (1280 px) and a phone (390 px): what a reader sees, measured in Chromium.

- The page never scrolls sideways and nothing sticks out of the text column.
- Only code blocks, tables and display equations may be wider than the column; each of them then
  scrolls inside its own box, and that box shows a cue that there is more (a shadow at the edge).
- Code blocks keep their lines: one source line is one line on screen, indentation intact.
- Table columns keep a readable width on a phone (they scroll, they do not squeeze).
- Long inline code and code-only headings break inside the column.

The layout is _static/course.css. Quizzes are left out here: their layout is the quiz renderer's
(autograder/quiz.py, tests/notebooks/test_site_quiz.py).
"""
from __future__ import annotations

import pytest

from website import site_pages

# Quizzes are the quiz renderer's (tests/notebooks/test_site_quiz.py checks their width).
QUIZ = ".course-quiz, div.Quiz"

# The only boxes that may scroll sideways inside the text column.
SCROLL_BOXES = "pre, .pst-scrollable-table-container, mjx-container[display='true']"

_JS_HELPERS = f"""
const QUIZ = {QUIZ!r};
const SCROLL_BOXES = {SCROLL_BOXES!r};
const article = document.querySelector('article.bd-article');
const column = () => {{
    const box = article.getBoundingClientRect(), style = getComputedStyle(article);
    return {{left: box.left + parseFloat(style.paddingLeft), right: box.right - parseFloat(style.paddingRight)}};
}};
const shown = el => el.getClientRects().length > 0 && el.checkVisibility({{visibilityProperty: true}});
const inQuiz = el => el.closest(QUIZ) !== null;
const clippedBy = el => {{   // the nearest ancestor inside the article that clips or scrolls sideways
    for (let p = el.parentElement; p && p !== article; p = p.parentElement)
        if (getComputedStyle(p).overflowX !== 'visible') return p;
    return null;
}};
const name = el => el.tagName.toLowerCase() + (el.className && typeof el.className === 'string'
    ? '.' + el.className.trim().split(/\\s+/).join('.') : '') + ' "' + (el.textContent || '').trim().slice(0, 50) + '"';
"""


# One measurement per behaviour below, each returning what is wrong on the page (at most 10 items).
CHECKS = {
    "page width": """
        const bad = [];
        if (document.scrollingElement.scrollWidth > window.innerWidth)
            bad.push('the page is ' + document.scrollingElement.scrollWidth + ' px wide');
        return bad;""",
    # Whatever is wider than the column must be inside a box that scrolls (the next check).
    "sticks out": """
        const edge = column().right + 1, bad = [];
        for (const el of article.querySelectorAll('*')) {
            if (!shown(el) || inQuiz(el) || clippedBy(el)) continue;
            const right = el.getBoundingClientRect().right;
            if (right > edge) bad.push(name(el) + ' ends at ' + Math.round(right) + ' > ' + Math.round(edge));
        }
        return bad;""",
    # A box that scrolls sideways is one of SCROLL_BOXES, and it draws a shadow at its edges
    # (course.css: two gradients that stay put, two that scroll with the content) that no row
    # or cell of a table paints over.
    "scrolls": """
        const bad = [];
        for (const el of article.querySelectorAll('*')) {
            if (!shown(el) || inQuiz(el) || el.querySelector(QUIZ)) continue;
            const style = getComputedStyle(el);
            if (!['auto', 'scroll'].includes(style.overflowX) || el.scrollWidth <= el.clientWidth + 1) continue;
            if (!el.matches(SCROLL_BOXES)) { bad.push('scrolls sideways: ' + name(el)); continue; }
            const shadows = (style.backgroundImage.match(/radial-gradient/g) || []).length;
            const attachment = style.backgroundAttachment;
            if (shadows < 2 || !attachment.includes('local') || !attachment.includes('scroll'))
                bad.push('scrolls with no cue: ' + name(el));
            for (const part of el.querySelectorAll('table, thead, tbody, tr, th, td')) {
                const alpha = getComputedStyle(part).backgroundColor.match(/[\\d.]+/g).map(Number)[3] ?? 1;
                if (alpha > 0.5) { bad.push('its ' + part.tagName + ' hides the cue: ' + name(el)); break; }
            }
        }
        return bad;""",
    # One line of source (or of printed output) is one line on screen: nothing wraps.
    "code wraps": """
        const bad = [];
        for (const pre of article.querySelectorAll('pre')) {
            if (!shown(pre) || inQuiz(pre)) continue;
            const style = getComputedStyle(pre);
            const lines = pre.textContent.replace(/\\n$/, '').split('\\n').length;
            const height = pre.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
            const shownLines = Math.round(height / parseFloat(style.lineHeight));
            if (shownLines > lines) bad.push(lines + ' lines shown on ' + shownLines + ': ' + name(pre));
        }
        return bad;""",
    # Inline code outside tables (a table scrolls as a whole), and headings, end inside the column.
    "inline code": """
        const edge = column().right + 1, bad = [];
        for (const el of article.querySelectorAll('code.literal, h1, h2, h3, h4, h5, h6')) {
            if (!shown(el) || inQuiz(el) || el.closest('table')) continue;
            for (const box of el.getClientRects())
                if (box.right > edge) { bad.push(name(el) + ' ends at ' + Math.round(box.right)); break; }
        }
        return bad;""",
    # A table wider than the screen scrolls; its columns are not squeezed to a word per line.
    "table columns": """
        const least = 6 * parseFloat(getComputedStyle(document.documentElement).fontSize), bad = [];
        for (const cell of article.querySelectorAll('table th, table td')) {
            if (!shown(cell) || inQuiz(cell)) continue;
            const width = cell.getBoundingClientRect().width;
            if (width < least) bad.push(Math.round(width) + ' px: ' + name(cell));
        }
        return bad;""",
}

_MEASURE = ("() => {" + _JS_HELPERS + "return {"
            + ", ".join(f"{check!r}: (() => {{ {js} }})().slice(0, 10)" for check, js in CHECKS.items())
            + "}; }")


def _measure(screen) -> dict[str, dict[str, list[str]]]:
    """Every page loaded once as a reader sees it (formulas typeset, hidden code cells opened, so they
    are measured too), every check run on it: {check: {page: [what is wrong]}}, pages with nothing wrong left out."""
    page, base, _ = screen
    found = {check: {} for check in CHECKS}
    for path in site_pages():
        page.goto(f"{base}/{path}")
        page.wait_for_load_state("load")
        page.evaluate("""async () => {
            if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
            document.querySelectorAll('article.bd-article details').forEach(d => d.open = true);
            await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
        }""")
        for check, bad in page.evaluate(_MEASURE).items():
            if bad:
                found[check][path] = bad
    return found


@pytest.fixture(scope="module")
def on_a_laptop(browser):
    return _measure(browser)


@pytest.fixture(scope="module")
def on_a_phone(phone):
    return _measure(phone)


@pytest.fixture(params=["laptop", "phone"])
def measured(request):
    """What is wrong on each page at 1280 px, then at 390 px."""
    return request.getfixturevalue(f"on_a_{request.param}")


def test_no_page_is_wider_than_the_screen(measured):
    assert measured["page width"] == {}


def test_nothing_sticks_out_of_the_text_column(measured):
    assert measured["sticks out"] == {}


def test_only_code_blocks_tables_and_equations_scroll_sideways_and_each_shows_it(measured):
    assert measured["scrolls"] == {}


def test_code_blocks_keep_their_lines(measured):
    assert measured["code wraps"] == {}


def test_long_inline_code_and_code_headings_break_inside_the_column(on_a_phone):
    assert on_a_phone["inline code"] == {}


def test_table_columns_keep_a_readable_width_on_a_phone(on_a_phone):
    assert on_a_phone["table columns"] == {}
