"""The quiz: seeded option order, a container that carries its questions safely, a static twin."""
import json
import re

import pytest

from autograder import quiz


def question(text="Which loss?", correct=0, n=4):
    return {"question": text, "type": "multiple_choice",
            "answers": [{"answer": f"option {i}", "correct": i == correct, "feedback": f"because {i}"}
                        for i in range(n)]}


def test_the_option_order_is_the_same_at_every_call():
    assert quiz.shuffled(question()) == quiz.shuffled(question())


def test_shuffling_keeps_every_option_with_its_correctness_and_feedback():
    original = question()
    assert sorted(map(json.dumps, quiz.shuffled(original)["answers"])) == sorted(map(json.dumps, original["answers"]))


def test_the_right_answer_moves_away_from_first_place_across_questions():
    positions = [next(i for i, a in enumerate(quiz.shuffled(question(f"Question {k}?"))["answers"]) if a["correct"])
                 for k in range(40)]
    assert set(positions) == {0, 1, 2, 3}
    assert positions.count(0) < 20


def test_numeric_answers_keep_their_order():
    numeric = {"question": "How much?", "type": "numeric",
               "answers": [{"type": "value", "value": 2.5, "correct": True},
                           {"type": "range", "range": [-1e9, 1e9], "correct": False}]}
    assert quiz.shuffled(numeric) == numeric


def test_a_question_without_a_right_answer_is_refused():
    with pytest.raises(ValueError, match="no answer is marked correct"):
        quiz._checked(question(correct=-1))


def test_an_unknown_question_type_is_refused():
    with pytest.raises(ValueError, match="type must be one of"):
        quiz._checked({**question(), "type": "essay"})


def test_the_container_carries_the_questions_as_json_that_cannot_close_its_script():
    hostile = question(text="</script><script>alert(1)</script>")
    page = quiz.quiz_html([hostile], "quiz-x")
    data = re.search(r'<script type="application/json" class="course-quiz-data">(.*?)</script>', page, re.S).group(1)
    assert json.loads(data) == [hostile]
    assert "<script>alert" not in page


def test_the_static_twin_shows_the_question_its_options_and_a_folded_answer():
    twin = quiz.static_twin([question(correct=2)])
    assert "Which loss?" in twin and twin.count("<li>") == 4
    assert re.search(r"<details><summary>Answer</summary><p>option 2 — because 2</p></details>", twin)


def test_the_static_twin_states_a_numeric_answer():
    numeric = {"question": "How much?", "type": "numeric",
               "answers": [{"type": "value", "value": 2.5, "correct": True, "feedback": "Right."}]}
    assert "<p>2.5 — Right.</p>" in quiz.static_twin([numeric])


def test_two_displays_of_the_same_quiz_get_different_ids():
    assert quiz.quiz_id([question()], 0) != quiz.quiz_id([question()], 1)


def test_the_notebook_script_carries_the_renderer_and_its_stylesheet():
    script = quiz.renderer_script("quiz-abc")
    assert "window.CourseQuiz" in script and "course-quiz-css" in script
    assert script.rstrip().endswith('window.CourseQuiz.render(document.getElementById("quiz-abc"));')


def test_an_installed_course_package_carries_every_folder_it_reads():
    # Colab installs the course from git (not editable): a folder of autograder/ that is neither a
    # package nor package data would be missing there (the quiz renderer, the answer key).
    import tomllib
    from pathlib import Path
    root = Path(quiz.__file__).resolve().parent
    config = tomllib.loads((root.parent / "pyproject.toml").read_text())["tool"]["setuptools"]
    packages = set(config["packages"])
    data = config.get("package-data", {}).get("autograder", [])
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and p.name != "__pycache__"):
        if f"autograder.{folder.name}" in packages:
            continue
        for file in folder.iterdir():
            if file.is_file():
                assert any(file.match(f"{folder.parent.name}/{glob}") for glob in data), \
                    f"{file.relative_to(root.parent)} would not be installed"


def test_a_quiz_is_an_html_output_and_a_script_output_with_no_text_twin():
    bundles = quiz.quiz_outputs([question()])
    assert [sorted(b) for b in bundles] == [["text/html"], ["application/javascript"]]
