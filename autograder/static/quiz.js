/* Course quizzes: one accessible renderer for the chapter notebooks and the website.
 *
 * A quiz is a <div class="course-quiz"> holding its questions (jupyterquiz's format) in a
 * <script type="application/json" class="course-quiz-data"> and a static twin (the questions
 * and folded answers, readable without scripts). render() replaces the twin by a form per
 * question: a fieldset whose legend is the question, radio buttons, check boxes or a labelled
 * number field, a visible "Check" button, and feedback in a live region that starts with a
 * word and an icon (never colour alone). Choosing an option, with the mouse or the arrow keys,
 * only selects it; "Check" (or Enter) answers. Text is set with textContent, never as HTML.
 * The website loads this file once per page (_ext/quiz_assets.py); a notebook gets it inline.
 */
(function () {
  "use strict";
  if (window.CourseQuiz) {
    window.CourseQuiz.renderAll(document);
    return;
  }

  function make(tag, attributes, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* Typeset math in `node` once MathJax is ready; MathJax 3 (the site), 2 (classic Jupyter) or none.
     A page whose MathJax has not started yet needs nothing: its first typeset covers the quiz. */
  function typeset(node) {
    const mj = window.MathJax;
    if (!mj) return;
    if (mj.Hub && typeof mj.Hub.Queue === "function") {
      mj.Hub.Queue(["Typeset", mj.Hub, node]);
    } else if (mj.startup && mj.startup.promise && typeof mj.typesetPromise === "function") {
      mj.startup.promise.then(() => mj.typesetPromise([node])).catch(() => {});
    }
  }

  /* A number typed by a learner: "0.25", "-1e-3", "1/4", with a typographic minus too. NaN if not one. */
  function parseNumber(text) {
    const clean = String(text).trim().replace(/\u2212/g, "-").replace(/\s+/g, "");
    const number = "[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:e[-+]?\\d+)?";
    if (new RegExp("^" + number + "$", "i").test(clean)) return Number(clean);
    const fraction = clean.match(new RegExp("^(" + number + ")/(" + number + ")$", "i"));
    if (fraction && Number(fraction[2]) !== 0) return Number(fraction[1]) / Number(fraction[2]);
    return NaN;
  }

  function rounded(x, digits) {
    return digits > 0 ? Number(Number(x).toPrecision(digits)) : Number(x);
  }

  /* The answer entry a number matches: a value (to `precision` significant digits), then a range
     [low, high), else the default entry (or null). */
  function matchNumeric(question, x) {
    const digits = Number(question.precision || 0);
    let fallback = null;
    for (const answer of question.answers) {
      if ("value" in answer) {
        if (rounded(x, digits) === rounded(answer.value, digits)) return answer;
      } else if ("range" in answer) {
        if (x >= answer.range[0] && x < answer.range[1]) return answer;
      } else if (answer.type === "default") {
        fallback = fallback || answer;
      }
    }
    return fallback;
  }

  function say(feedback, correct, text) {
    feedback.textContent = "";
    feedback.className = "course-quiz-feedback " + (correct ? "is-correct" : "is-wrong");
    const verdict = make("strong", { class: "course-quiz-verdict" }, correct ? "\u2713 Correct. " : "\u2717 Not quite. ");
    feedback.append(verdict, document.createTextNode(text || (correct ? "" : "Try again.")));
    typeset(feedback);
  }

  function ask(feedback, text) {
    feedback.className = "course-quiz-feedback is-prompt";
    feedback.textContent = text;
  }

  function choiceField(question, qid) {
    const many = question.type === "many_choice";
    const options = make("div", { class: "course-quiz-options" });
    question.answers.forEach((answer, index) => {
      const label = make("label", { class: "course-quiz-option" });
      const input = make("input", { type: many ? "checkbox" : "radio", name: qid, value: String(index) });
      label.append(input, make("span", { class: "course-quiz-option-text" }, answer.answer),
                   make("span", { class: "course-quiz-mark", "aria-hidden": "true" }));
      options.append(label);
    });
    return options;
  }

  function numberField(qid) {
    const box = make("div", { class: "course-quiz-number" });
    const label = make("label", { for: qid + "-value" }, "Your answer (a number; 1/4 works too)");
    const input = make("input", { id: qid + "-value", type: "text", inputmode: "decimal", autocomplete: "off",
                                  spellcheck: "false", class: "course-quiz-input" });
    box.append(label, input);
    return box;
  }

  function judgeChoice(question, form, feedback) {
    const labels = Array.from(form.querySelectorAll(".course-quiz-option"));
    const chosen = labels.filter((label) => label.querySelector("input").checked);
    labels.forEach((label) => { label.classList.remove("is-correct", "is-wrong"); label.querySelector(".course-quiz-mark").textContent = ""; });
    if (chosen.length === 0) return ask(feedback, "Choose an answer first.");
    const answers = chosen.map((label) => question.answers[Number(label.querySelector("input").value)]);
    chosen.forEach((label, i) => {
      label.classList.add(answers[i].correct ? "is-correct" : "is-wrong");
      label.querySelector(".course-quiz-mark").textContent = answers[i].correct ? "\u2713" : "\u2717";
    });
    if (question.type === "many_choice") {
      const wrong = answers.find((a) => !a.correct);
      const all = question.answers.filter((a) => a.correct).length === answers.length;
      if (wrong) return say(feedback, false, wrong.feedback);
      return say(feedback, all, all ? answers.map((a) => a.feedback || "").join(" ").trim()
                                    : "Each choice so far is right, but more are.");
    }
    say(feedback, Boolean(answers[0].correct), answers[0].feedback);
  }

  function judgeNumber(question, form, feedback) {
    const input = form.querySelector("input.course-quiz-input");
    const x = parseNumber(input.value);
    input.classList.remove("is-correct", "is-wrong");
    if (Number.isNaN(x)) return ask(feedback, "Enter a number, such as 0.25, 1e-3 or 1/4.");
    const answer = matchNumeric(question, x);
    const correct = Boolean(answer && answer.correct);
    input.classList.add(correct ? "is-correct" : "is-wrong");
    say(feedback, correct, answer ? answer.feedback : "");
  }

  function renderQuestion(question, qid, position, count) {
    const form = make("form", { class: "course-quiz-question", "data-type": question.type, novalidate: "" });
    const fieldset = make("fieldset");
    const legend = make("legend", {}, question.question);
    if (count > 1) legend.prepend(make("span", { class: "course-quiz-number-label" }, `Question ${position} of ${count}. `));
    fieldset.append(legend, question.type === "numeric" ? numberField(qid) : choiceField(question, qid));
    const button = make("button", { type: "submit", class: "course-quiz-check" }, "Check");
    const feedback = make("p", { class: "course-quiz-feedback", role: "status", "aria-live": "polite" });
    form.append(fieldset, button, feedback);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (question.type === "numeric") judgeNumber(question, form, feedback);
      else judgeChoice(question, form, feedback);
    });
    return form;
  }

  function render(container) {
    if (!container || container.dataset.rendered === "true") return;
    const data = container.querySelector("script.course-quiz-data");
    if (!data) return;
    const questions = JSON.parse(data.textContent);
    const twin = container.querySelector(".course-quiz-static");
    if (twin) twin.hidden = true;
    const live = make("div", { class: "course-quiz-live" });
    questions.forEach((question, i) => live.append(renderQuestion(question, `${container.id}-q${i + 1}`, i + 1, questions.length)));
    container.append(live);
    container.dataset.rendered = "true";
    typeset(live);
  }

  function renderAll(root) {
    (root || document).querySelectorAll("div.course-quiz").forEach(render);
  }

  window.CourseQuiz = { render, renderAll, parseNumber, matchNumeric };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => renderAll(document));
  else renderAll(document);
})();
