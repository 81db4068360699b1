"""The quizzes on the website: one per quiz cell, options in a varied order, answered by mouse or
keyboard, right and wrong said in words, announced, readable in dark mode and on a phone, and one
renderer per page that never breaks while MathJax is still loading."""
import json
import re

import nbformat
import pytest

from website import HTML, ROOT, toc_chapters, visible_text

DATA = re.compile(r'<div class="course-quiz" id="([^"]+)"><script type="application/json" class="course-quiz-data">(.*?)</script>', re.S)


def quiz_cells(stem):
    nb = nbformat.read(ROOT / "solutions" / f"{stem}.ipynb", as_version=4)
    return [c for c in nb.cells if c.cell_type == "code" and "show_quiz(" in c.source]


def page_html(stem):
    return (HTML / "solutions" / f"{stem}.html").read_text(encoding="utf-8")


def quizzes_on(stem):
    """[(element id, questions)] of a chapter page, as its HTML carries them."""
    return [(qid, json.loads(data)) for qid, data in DATA.findall(page_html(stem))]


# ----------------------------------------------------------------------------- in the HTML

def test_every_quiz_cell_makes_one_quiz_on_its_page_with_its_own_id(built):
    for stem in toc_chapters():
        ids = [qid for qid, _ in quizzes_on(stem)]
        assert len(ids) == len(quiz_cells(stem)) >= 1, stem
        assert len(set(ids)) == len(ids), f"{stem}: two quizzes share an element id"
        assert "show_quiz(" not in visible_text(page_html(stem))


def test_no_page_shows_the_text_of_a_python_object_in_place_of_a_quiz_script(built):
    shown = {stem: visible_text(page_html(stem)).count("IPython.core.display") for stem in toc_chapters()}
    assert {stem: n for stem, n in shown.items() if n} == {}


def test_quiz_cells_use_show_quiz_not_display_quiz():
    # jupyterquiz's display_quiz names its element from the global random state, which the chapters reseed.
    for stem in toc_chapters():
        nb = nbformat.read(ROOT / "solutions" / f"{stem}.ipynb", as_version=4)
        assert not any("display_quiz(" in c.source for c in nb.cells if c.cell_type == "code")


def test_no_answer_cell_prints_above_its_quiz():
    # The cell just before a quiz may compute and assert its answer, but must not show it.
    for stem in toc_chapters():
        nb = nbformat.read(ROOT / "solutions" / f"{stem}.ipynb", as_version=4)
        cells = [c for c in nb.cells if c.cell_type == "code"]
        for before, cell in zip(cells, cells[1:]):
            if "show_quiz(" in cell.source and "nbval-check-output" in before.metadata.get("tags", []):
                assert "remove-cell" in before.metadata.get("tags", []), \
                    f"{stem}: the answer cell before a quiz is shown on the page:\n{before.source[:200]}"


def test_the_right_answer_is_in_every_position_and_first_in_at_most_a_third_of_the_questions(built):
    positions = [next(i for i, a in enumerate(q["answers"]) if a["correct"])
                 for stem in toc_chapters() for _, questions in quizzes_on(stem)
                 for q in questions if q["type"] == "multiple_choice"]
    assert len(positions) >= 30
    assert set(positions) == {0, 1, 2, 3}, positions
    assert positions.count(0) <= len(positions) / 3, positions


def test_the_renderer_is_loaded_once_per_page_and_never_inlined(built):
    for stem in toc_chapters():
        html = page_html(stem)
        assert len(re.findall(r'<script [^>]*src="[^"]*_static/quiz\.js', html)) == 1, stem
        assert len(re.findall(r'<link [^>]*href="[^"]*_static/quiz\.css', html)) == 1, stem
        assert "window.CourseQuiz" not in html and "jupyterquiz" not in html.lower(), stem


# ----------------------------------------------------------------------------- in Chromium

def _open(page, base, stem):
    page.goto(f"{base}/solutions/{stem}.html")
    page.wait_for_selector("div.course-quiz[data-rendered=true] form", timeout=15000)


def _check(form):
    form.locator("button.course-quiz-check").click()
    feedback = form.locator(".course-quiz-feedback")
    return feedback.inner_text().strip()


def _answer(form, question, answer):
    """Give one answer to a rendered question and return the feedback it shows."""
    if question["type"] == "numeric":
        value = answer["value"] if "value" in answer else answer["range"][0]
        form.locator("input.course-quiz-input").fill(str(value))
    else:
        form.locator(".course-quiz-option").nth(question["answers"].index(answer)).click()
    return _check(form)


def test_every_quiz_says_wrong_and_right_in_words_with_the_options_feedback(browser):
    page, base, _ = browser
    for stem in toc_chapters():
        _open(page, base, stem)
        for n, (qid, questions) in enumerate(quizzes_on(stem), start=1):
            form, question = page.locator(f"#{qid} form").first, questions[0]
            assert form.bounding_box()["height"] > 80, f"{stem} quiz {n} is not shown"
            wrong = next(a for a in question["answers"] if not a["correct"] and "feedback" in a)
            right = next(a for a in question["answers"] if a["correct"])
            assert _answer(form, question, wrong) == f"\u2717 Not quite. {wrong['feedback'].strip()}", f"{stem} quiz {n}"
            assert _answer(form, question, right).startswith("\u2713 Correct."), f"{stem} quiz {n}"


def test_choosing_with_the_arrow_keys_does_not_answer(browser):
    page, base, _ = browser
    _open(page, base, "03_classification_losses")
    form = page.locator("div.course-quiz form[data-type=multiple_choice]").first
    radios = form.locator("input[type=radio]")
    radios.first.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert radios.nth(2).is_checked()
    assert form.locator(".course-quiz-feedback").inner_text() == ""
    page.keyboard.press("Tab")          # to the Check button
    page.keyboard.press("Enter")
    assert form.locator(".course-quiz-feedback").inner_text().startswith(("\u2713", "\u2717"))


def test_keyboard_focus_on_an_option_is_visible(browser):
    page, base, _ = browser
    _open(page, base, "01_losses_and_metrics")
    option = page.locator("div.course-quiz .course-quiz-option").first
    option.locator("input").focus()
    style = option.evaluate("el => { const s = getComputedStyle(el); return [s.outlineStyle, parseFloat(s.outlineWidth)]; }")
    assert style[0] != "none" and style[1] >= 2, style


def test_feedback_is_announced_by_a_live_region(browser):
    page, base, _ = browser
    _open(page, base, "02_regression_losses")
    regions = page.locator(".course-quiz-feedback")
    assert regions.count() >= 1
    for i in range(regions.count()):
        assert regions.nth(i).get_attribute("role") == "status"
        assert regions.nth(i).get_attribute("aria-live") == "polite"


def test_a_number_question_has_a_labelled_field_and_a_visible_check_button(browser):
    page, base, _ = browser
    for stem in ("02_regression_losses", "06_metrics", "07_loss_mechanics"):
        _open(page, base, stem)
        forms = page.locator("div.course-quiz form[data-type=numeric]")
        assert forms.count() >= 1, stem
        for i in range(forms.count()):
            field = forms.nth(i).locator("input.course-quiz-input")
            name = page.evaluate("el => el.labels.length ? el.labels[0].innerText : ''", field.element_handle())
            assert len(name.strip()) > 5, stem
            assert forms.nth(i).locator("button.course-quiz-check").is_visible()


def test_a_number_question_accepts_a_fraction_and_asks_again_for_text(browser):
    page, base, _ = browser
    _open(page, base, "07_loss_mechanics")
    form = page.locator("div.course-quiz form[data-type=numeric]").first
    form.locator("input.course-quiz-input").fill("ten")
    assert _check(form) == "Enter a number, such as 0.25, 1e-3 or 1/4."
    form.locator("input.course-quiz-input").fill("20/2")
    assert _check(form).startswith("\u2717 Not quite. 10 is every value")


_CONTRAST_JS = """root => {
    const rgb = c => c.match(/[\\d.]+/g).slice(0, 4).map(Number);
    const lum = ([r, g, b]) => { const f = v => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
                                 return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
    const background = el => { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor);
                               if (c.length < 4 || c[3] > 0) return c; } return [255, 255, 255]; };
    const worst = [];
    for (const el of root.querySelectorAll('legend, .course-quiz-option-text, .course-quiz-check, .course-quiz-feedback, label')) {
        const a = lum(rgb(getComputedStyle(el).color)), b = lum(background(el));
        worst.push([(Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05), el.className || el.tagName]);
    }
    return worst.sort((x, y) => x[0] - y[0])[0];
}"""


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_quiz_text_has_a_contrast_of_at_least_4_5_to_1(browser, mode):
    page, base, _ = browser
    page.goto(f"{base}/solutions/06_metrics.html")
    page.evaluate(f"() => {{ localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}'); }}")
    _open(page, base, "06_metrics")
    assert page.evaluate("() => document.documentElement.dataset.theme") == mode
    form = page.locator("div.course-quiz form[data-type=multiple_choice]").first
    form.locator(".course-quiz-option").first.click()
    _check(form)
    ratio, where = form.evaluate(_CONTRAST_JS)
    page.evaluate("() => { localStorage.removeItem('mode'); localStorage.removeItem('theme'); }")
    assert ratio >= 4.5, f"{mode}: {where} has a contrast of {ratio:.2f}"


def test_quizzes_fit_the_column_on_a_phone(phone):
    page, base, _ = phone
    for stem in toc_chapters():
        _open(page, base, stem)
        too_wide = page.evaluate("""() => Array.from(document.querySelectorAll('div.course-quiz')).filter(q =>
            q.scrollWidth > q.clientWidth + 1 || q.getBoundingClientRect().right > window.innerWidth).map(q => q.id)""")
        assert too_wide == [], stem


def test_no_page_raises_a_script_error_while_mathjax_loads_slowly(chromium, site_url):
    # An emulated slow link: MathJax (2 MB) arrives seconds after the quizzes are drawn. Three chapters
    # (their quizzes: choices and numbers); jupyterquiz raised 4-6 errors on each of these pages.
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 150,
                                                  "downloadThroughput": 750_000, "uploadThroughput": 250_000})
    try:
        for stem in ("01_losses_and_metrics", "02_regression_losses", "06_metrics"):
            page.goto(f"{site_url}/solutions/{stem}.html", wait_until="domcontentloaded")
            page.wait_for_selector("div.course-quiz[data-rendered=true]", timeout=30000)
            page.wait_for_selector("mjx-container", timeout=30000)
            page.wait_for_timeout(600)
    finally:
        page.close()
    assert errors == []
