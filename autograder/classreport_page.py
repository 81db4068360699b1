"""The class report as files: OUT/report.html (one self-contained page) and OUT/report.csv (one row per check).

`write(OUT)` reads what `grade --out` wrote (`classreport.load`), never regrades, and writes both files
atomically. The page has no script, loads nothing (its Content-Security-Policy forbids it) and carries
its CSS inline (autograder/static/report.css); the score histogram is an inline SVG with a title, a
description and its counts again as a table. Every text is HTML-escaped; the texts a submission's
files could carry (names, statuses, slips) were neutralised and bounded by `classreport`, and CSV
cells go through `report._cell` (never a formula).
"""
from __future__ import annotations

import csv
import io
import os
from html import escape
from pathlib import Path

from . import exercises
from .classreport import CheckStats, Summary, load, summarise
from .report import _atomic_write, _cell

CSS = Path(__file__).with_name("static") / "report.css"
SHOWN_DIAGNOSES = 15
SHOWN_NOT_GRADED = 200
SHOWN_DISCRIMINATING = 10
GOOD, FAIR = 0.30, 0.20          # point-biserial r: separates well / somewhat

PROBLEM_WORDS = {
    "values": "values differ from the reference",
    "shape": "wrong shape",
    "dtype": "wrong dtype",
    "nonfinite": "inf or NaN where the reference is finite",
    "type": "wrong type of Python object",
    "error": "the code raised an error",
    "fatal": "hung, crashed or ran out of time",
    "missing": "the function is not defined",
    "shortcut": "calls the library object it reimplements",
    "other": "other (see the check's message)",
    "none": "failed with no category",
}


def write(out) -> Summary:
    """OUT/report.html and OUT/report.csv from OUT's grades.csv and results.json files."""
    out = Path(out)
    summary = summarise(load(out))
    fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    try:
        _atomic_write(fd, "report.csv", report_csv(summary))
        _atomic_write(fd, "report.html", report_html(summary))
    finally:
        os.close(fd)
    return summary


# --------------------------------------------------------------------------- CSV

def report_csv(summary: Summary) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["exercise", "key", "title", "hidden", "pass_rate", "n", "discrimination"])
    for c in summary.checks:
        writer.writerow([_cell(c.info.id.exercise), _cell(c.info.id.key), _cell(c.info.title),
                         "true" if c.info.id.hidden else "false", f"{c.pass_rate:.4f}", c.n,
                         "" if c.discrimination is None else f"{c.discrimination:.3f}"])
    return buf.getvalue()


# --------------------------------------------------------------------------- HTML

def _breakable(text: str) -> str:
    """`text` escaped, with a line-break opportunity after each underscore (long exercise names on a phone)."""
    return escape(text).replace("_", "_<wbr>")


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def _num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _title(summary: Summary) -> str:
    if len(summary.chapters) == 1:
        ch = exercises.chapter(summary.chapters[0])
        return f"Class report: chapter {ch.id} ({ch.title})"
    if summary.chapters:
        return "Class report: chapters " + ", ".join(summary.chapters)
    return "Class report"


def histogram_svg(summary: Summary) -> str:
    """The score distribution as an inline SVG bar chart, its counts in its title and description."""
    bins = summary.bins
    width, height, left, right, top, bottom = 480, 250, 8, 8, 26, 50
    plot = height - top - bottom
    slot = (width - left - right) / len(bins)
    most = max((b.count for b in bins), default=0) or 1
    parts = []
    for i, b in enumerate(bins):
        h = plot * b.count / most
        x = left + i * slot
        parts.append(f'<rect x="{x + slot * 0.1:.1f}" y="{top + plot - h:.1f}" width="{slot * 0.8:.1f}" '
                     f'height="{h:.1f}" fill="#2f5f8f"/>')
        if b.count:
            parts.append(f'<text x="{x + slot / 2:.1f}" y="{top + plot - h - 6:.1f}" text-anchor="middle" '
                         f'font-size="15" fill="#1b1f24">{b.count}</text>')
        parts.append(f'<text x="{x + slot / 2:.1f}" y="{top + plot + 18:.1f}" text-anchor="middle" '
                     f'font-size="14" fill="#1b1f24">{10 * i}</text>')
    parts.append(f'<line x1="{left}" y1="{top + plot + 0.5}" x2="{width - right}" y2="{top + plot + 0.5}" '
                 'stroke="#1b1f24" stroke-width="1"/>')
    parts.append(f'<text x="{width / 2}" y="{height - 8}" text-anchor="middle" font-size="14" fill="#4a5360">'
                 'score, % of the maximum</text>')
    desc = "; ".join(f"{b.label}: {b.count}" for b in bins)
    total = sum(b.count for b in bins)
    return (f'<svg viewBox="0 0 {width} {height}" role="img" aria-labelledby="hist-title hist-desc" '
            f'xmlns="http://www.w3.org/2000/svg">'
            f'<title id="hist-title">Score distribution of {_plural(total, "graded submission")}</title>'
            f'<desc id="hist-desc">Learners per score band, in % of the maximum: {escape(desc)}</desc>'
            + "".join(parts) + "</svg>")


def _scores(summary: Summary) -> str:
    rows = "".join(f'<tr><th scope="row">{escape(b.label)}</th><td class="num">{b.count}</td></tr>'
                   for b in summary.bins)
    total = sum(b.count for b in summary.bins)
    return (f'<section id="scores" aria-labelledby="scores-h"><h2 id="scores-h">Score distribution</h2>'
            f'<figure>{histogram_svg(summary)}<figcaption>Graded submissions by total score, as a share of the '
            f'maximum ({_plural(total, "submission")}). The same counts are in the table below.</figcaption></figure>'
            f'<table class="counts"><caption>Submissions per score band</caption><thead><tr>'
            f'<th scope="col">Score (% of the maximum)</th><th scope="col" class="num">Submissions</th></tr></thead>'
            f'<tbody>{rows}</tbody></table></section>')


def _exercises(summary: Summary) -> str:
    if not summary.exercises:
        return ""
    rows = "".join(
        f'<tr><th scope="row"><code>{_breakable(e.name)}</code></th><td class="num">{_num(e.mean)}</td>'
        f'<td class="num">{_num(e.median)}</td><td class="num">{_pct(e.full_marks)}</td>'
        f'<td class="num">{e.points:g}</td></tr>' for e in summary.exercises)
    return ('<section id="exercises" aria-labelledby="exercises-h"><h2 id="exercises-h">Exercises</h2>'
            '<table><caption>Points per exercise, graded submissions</caption><thead><tr>'
            '<th scope="col">Exercise</th><th scope="col" class="num">Mean</th><th scope="col" class="num">Median'
            '</th><th scope="col" class="num">Full marks</th><th scope="col" class="num">Of</th></tr></thead>'
            f'<tbody>{rows}</tbody></table></section>')


def _diagnoses(summary: Summary) -> str:
    html = ['<section id="diagnoses" aria-labelledby="diagnoses-h"><h2 id="diagnoses-h">Most frequent diagnoses</h2>']
    if summary.diagnoses:
        html.append('<p class="note">The classic mistake a failed check recognised (the grader\'s words), with '
                    'the number of submissions it was seen in.</p><ol class="diagnoses">')
        for d in summary.diagnoses[:SHOWN_DIAGNOSES]:
            html.append(f'<li><strong>{_plural(d.learners, "learner")}</strong>: <code>{_breakable(d.exercise)}</code> '
                        f'— looks like {escape(d.slip)}</li>')
        html.append("</ol>")
        if len(summary.diagnoses) > SHOWN_DIAGNOSES:
            html.append(f'<p class="note">And {len(summary.diagnoses) - SHOWN_DIAGNOSES:,} less frequent ones.</p>')
    else:
        html.append("<p>No failed check recognised a classic mistake.</p>")
    if summary.problems:
        rows = "".join(f'<tr><th scope="row">{escape(PROBLEM_WORDS.get(p.problem, p.problem))}</th>'
                       f'<td class="num">{p.learners:,}</td><td class="num">{p.checks:,}</td></tr>'
                       for p in summary.problems)
        html.append('<table><caption>What went wrong in failed checks</caption><thead><tr><th scope="col">Problem'
                    '</th><th scope="col" class="num">Learners</th><th scope="col" class="num">Failed checks</th>'
                    f'</tr></thead><tbody>{rows}</tbody></table>')
    html.append("</section>")
    return "".join(html)


def _check_cell(c: CheckStats) -> str:
    tag = '<span class="tag">hidden</span>' if c.info.id.hidden else ""
    return (f'<th scope="row"><span class="ex">{_breakable(c.info.id.exercise)}{tag}</span>{_breakable(c.info.title)} '
            f'<span class="key">(<code>{_breakable(c.info.id.key)}</code>)</span></th>')


def _discrimination(c: CheckStats) -> str:
    if c.discrimination is None:
        return f'<td class="num">—<span class="sub"> {escape(c.why_none)}</span></td>'
    r = c.discrimination
    css = ' neg' if r < 0 else ''
    return f'<td class="num{css}">{r:+.2f}</td>'


def _checks_table(checks: list, caption: str) -> str:
    if not checks:
        return ""
    rows = "".join(
        f'<tr>{_check_cell(c)}<td class="num">{_pct(c.pass_rate)}<span class="sub">{c.passed:,} of {c.n:,}</span>'
        f'<span class="bar" aria-hidden="true"><span style="width:{100 * c.pass_rate:.1f}%"></span></span></td>'
        f'{_discrimination(c)}</tr>' for c in checks)
    return (f'<table><caption>{escape(caption)}</caption><thead><tr><th scope="col">Check</th>'
            '<th scope="col" class="num">Passed</th><th scope="col" class="num">Discrim&shy;ination</th></tr></thead>'
            f'<tbody>{rows}</tbody></table>')


def _checks(summary: Summary) -> str:
    public = [c for c in summary.checks if not c.info.id.hidden]
    hidden = [c for c in summary.checks if c.info.id.hidden]
    return ('<section id="checks" aria-labelledby="checks-h"><h2 id="checks-h">Pass rate of each check</h2>'
            f'<p class="note">Hardest first, from the results of {_plural(summary.with_results, "graded submission")}. '
            'Discrimination: see the section above.</p>'
            + _checks_table(public, "Public checks (learners see them when they self-check)")
            + _checks_table(hidden, "Hidden checks (inputs drawn from the grading seed)") + "</section>")


def _separating(summary: Summary) -> str:
    rated = sorted((c for c in summary.checks if c.discrimination is not None),
                   key=lambda c: (-c.discrimination, c.info.id.exercise, c.info.id.key, c.info.id.hidden))
    html = ['<section id="discrimination" aria-labelledby="discrimination-h"><h2 id="discrimination-h">'
            'Checks that separate strong from weak learners</h2>'
            '<p><strong>Discrimination</strong> is the point-biserial correlation between passing a check and the '
            'score on all the other checks (the rest of the total): from −1 to +1. A positive value means the '
            f'learners who pass it score higher elsewhere; {GOOD:.2f} or more separates strong from weak learners '
            f'well, {FAIR:.2f} to {GOOD:.2f} somewhat, below that hardly. A negative value means weaker learners pass '
            'it more often than stronger ones: read that check again. A check everyone passes, or no one '
            'passes, has none (—).</p>']
    if rated:
        html.append(_checks_table(rated[:SHOWN_DISCRIMINATING], "Most discriminating checks"))
        negative = [c for c in rated if c.discrimination < 0]
        if negative:
            html.append(_checks_table(sorted(negative, key=lambda c: c.discrimination),
                                      "Checks with a negative discrimination"))
    else:
        html.append("<p>No check has a discrimination yet (too few graded submissions, or every check is passed "
                    "by everyone or by no one).</p>")
    html.append("</section>")
    return "".join(html)


def _not_graded(summary: Summary) -> str:
    html = ['<section id="not-graded" aria-labelledby="not-graded-h"><h2 id="not-graded-h">Submissions not graded'
            '</h2>']
    if not summary.not_graded:
        html.append("<p>Every submission in grades.csv was graded.</p>")
    else:
        html.append(f'<p>Left out of every statistic above: {_plural(len(summary.not_graded), "submission")} of '
                    'grades.csv, each with the grader\'s status.</p><ul class="not-graded">')
        for ng in summary.not_graded[:SHOWN_NOT_GRADED]:
            html.append(f"<li><code>{escape(ng.name)}</code>: {escape(ng.status)}</li>")
        html.append("</ul>")
        if len(summary.not_graded) > SHOWN_NOT_GRADED:
            html.append(f'<p class="note">And {len(summary.not_graded) - SHOWN_NOT_GRADED:,} more: see grades.csv.</p>')
    html.append("</section>")
    return "".join(html)


def _skipped(summary: Summary) -> str:
    html = ['<section id="skipped" aria-labelledby="skipped-h"><h2 id="skipped-h">Files left out</h2>']
    if not summary.skipped:
        html.append("<p>None: every results.json of a graded submission was read.</p>")
    else:
        rows = "".join(f'<tr><th scope="row">{escape(reason)}</th><td class="num">{n:,}</td></tr>'
                       for reason, n in sorted(summary.skipped.items()))
        html.append('<p>These were not read (links are never followed; a file must be a results.json of the '
                    'grader\'s shape, at most 1 MB):</p><table class="counts"><caption>Left out</caption><thead><tr>'
                    f'<th scope="col">Why</th><th scope="col" class="num">Count</th></tr></thead><tbody>{rows}</tbody>'
                    '</table>')
    html.append("</section>")
    return "".join(html)


def report_html(summary: Summary) -> str:
    title = _title(summary)
    lead = (f'{_plural(summary.rows, "submission")} in grades.csv: {summary.graded:,} graded, '
            f'{len(summary.not_graded):,} not graded. Built from the results already written; nothing was regraded.')
    nav = "".join(f'<li><a href="#{anchor}">{text}</a></li>' for anchor, text in (
        ("scores", "Scores"), ("exercises", "Exercises"), ("diagnoses", "Diagnoses"),
        ("discrimination", "Discrimination"), ("checks", "Every check"), ("not-graded", "Not graded"),
        ("skipped", "Left out")))
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            f"<title>{escape(title)}</title><style>{CSS.read_text(encoding='utf-8')}</style></head><body><main>"
            f'<h1>{escape(title)}</h1><p class="lead">{escape(lead)}</p>'
            f'<nav aria-label="Sections of the report"><ul>{nav}</ul></nav>'
            + _scores(summary) + _exercises(summary) + _diagnoses(summary) + _separating(summary)
            + _checks(summary) + _not_graded(summary) + _skipped(summary)
            + '<footer>Written by <code>python -m autograder report</code>. The same per-check numbers are in '
              'report.csv.</footer></main></body></html>\n')
