"""Show a quiz: questions in jupyterquiz's format, options in a seeded order, one accessible renderer.

A question is a dict: "question", "type" (multiple_choice, many_choice or numeric), "answers" (for
choices: "answer", "correct", "feedback"; for numbers: {"type": "value", "value"}, {"type": "range",
"range": [low, high)} or {"type": "default"}, each with "correct" and "feedback") and, for numbers,
"precision" (significant digits compared).

`show_quiz` displays two outputs. The HTML one is a container with the questions as JSON and a static
twin (each question, its options and a folded answer), readable where no script runs. The JavaScript
one is the renderer (static/quiz.js and quiz.css) for Jupyter and Colab. The website drops that
output and loads the renderer once per page instead (_ext/quiz_assets.py, _config.yml).

Options are shuffled with a seed taken from the question's text, so a page is the same at every
build, and the right answer is not always first. The container's id comes from the questions and a
per-kernel counter, never from the global random state, which the chapters reseed.
"""
from __future__ import annotations

import hashlib
import html
import itertools
import json
import random
from importlib import resources

_counter = itertools.count()
CHOICES = ("multiple_choice", "many_choice")
TYPES = CHOICES + ("numeric",)


def shuffled(question: dict) -> dict:
    """`question` with its options in an order seeded by its text (numbers keep their order)."""
    if question.get("type") not in CHOICES:
        return question
    answers = list(question["answers"])
    seed = hashlib.sha256(str(question["question"]).encode()).hexdigest()
    random.Random(seed).shuffle(answers)
    return {**question, "answers": answers}


def _checked(question: dict) -> dict:
    if question.get("type") not in TYPES:
        raise ValueError(f"a quiz question's type must be one of {TYPES}, not {question.get('type')!r}")
    if not question.get("question") or not question.get("answers"):
        raise ValueError("a quiz question needs a 'question' and 'answers'")
    if not any(a.get("correct") for a in question["answers"]):
        raise ValueError(f"no answer is marked correct in {question['question']!r}")
    return question


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _static_answer(question: dict) -> str:
    right = [a for a in question["answers"] if a.get("correct")]
    if question["type"] == "numeric":
        shown = [_number(a["value"]) if "value" in a else f"from {_number(a['range'][0])} to {_number(a['range'][1])}"
                 for a in right]
    else:
        shown = [a["answer"] for a in right]
    feedback = " ".join(a.get("feedback", "") for a in right).strip()
    return html.escape(" / ".join(shown) + (f" — {feedback}" if feedback else ""))


def static_twin(questions: list[dict]) -> str:
    """The quiz as plain HTML: each question, its options (A, B, ...) and its answer folded away."""
    parts = ['<div class="course-quiz-static">']
    for question in questions:
        parts.append(f"<p><strong>{html.escape(question['question'])}</strong></p>")
        if question["type"] in CHOICES:
            items = "".join(f"<li>{html.escape(a['answer'])}</li>" for a in question["answers"])
            parts.append(f'<ol type="A">{items}</ol>')
        parts.append(f"<details><summary>Answer</summary><p>{_static_answer(question)}</p></details>")
    parts.append("</div>")
    return "".join(parts)


def quiz_id(questions: list[dict], count: int) -> str:
    key = json.dumps(questions, sort_keys=True, default=str) + f"#{count}"
    return "quiz-" + hashlib.sha256(key.encode()).hexdigest()[:12]


def quiz_html(questions: list[dict], element_id: str) -> str:
    """The container: the questions as JSON (script-safe) and the static twin."""
    data = json.dumps(questions, default=float).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return (f'<div class="course-quiz" id="{element_id}">'
            f'<script type="application/json" class="course-quiz-data">{data}</script>'
            f"{static_twin(questions)}</div>")


def asset(name: str) -> str:
    """The text of static/quiz.js or static/quiz.css (the one copy the site and the notebooks use)."""
    return resources.files("autograder").joinpath("static", name).read_text(encoding="utf-8")


def renderer_script(element_id: str) -> str:
    """JavaScript for a notebook: the stylesheet and renderer once per page, then this quiz."""
    css = json.dumps(asset("quiz.css"))
    return (f"if (!document.getElementById('course-quiz-css')) {{ const s = document.createElement('style');"
            f" s.id = 'course-quiz-css'; s.textContent = {css}; document.head.appendChild(s); }}\n"
            f"{asset('quiz.js')}\n"
            f"window.CourseQuiz.render(document.getElementById({json.dumps(element_id)}));\n")


def quiz_outputs(questions: list[dict]) -> list[dict]:
    """The two outputs of a quiz, as MIME bundles: the container (HTML only) and the renderer
    (JavaScript only). Neither has a text/plain twin, so where the site drops the script nothing
    is left in its place (IPython's own `Javascript` object would leave its repr as text)."""
    prepared = [shuffled(_checked(q)) for q in questions]
    element_id = quiz_id(prepared, next(_counter))
    return [{"text/html": quiz_html(prepared, element_id)},
            {"application/javascript": renderer_script(element_id)}]


def show_quiz(questions: list[dict]) -> None:
    """Display `questions` (jupyterquiz's format), each with its options in its seeded order."""
    from IPython.display import display
    for bundle in quiz_outputs(questions):
        display(bundle, raw=True)
