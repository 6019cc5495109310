"""The report's pages and charts on real sessions: candidate text never becomes markup, one bar per item, retries."""

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from typing import Any

import pytest

from interviewer.bank.loader import Bank
from interviewer.index.store import BankIndex
from interviewer.interview import charts
from interviewer.interview.charts import bar_chart, competency_chart, coverage_chart, stage_chart
from interviewer.interview.interviewer import Interviewer
from interviewer.interview.models import Plan, Session
from interviewer.interview.report import build_report, to_html, to_markdown
from interviewer.interview.store import SessionStore
from interviewer.scoring.scorer import OfflineScorer

GOOD = (
    "The GIL lets only one thread execute Python bytecode at a time, so threads don't help CPU-bound work. For "
    "I/O-bound calls I use asyncio or a thread pool, for CPU-bound work multiprocessing, I cap concurrency with a "
    "semaphore, and I profile with py-spy to confirm it helped."
)
SCRIPT, IMG = "<script>alert(1)</script>", "<img src=x onerror=alert(1)>"
SCRIPT_ESC, IMG_ESC = "&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;"
HOSTILE = f"# Heading\n{GOOD} {SCRIPT}\n{IMG} `rm -rf` [click](javascript:alert(1))\n---\n1. item"
RETRY = f"{GOOD} I'd also benchmark before and after. {SCRIPT}"
SVG = "{http://www.w3.org/2000/svg}"
# Every element the page may contain: anything else would have come from candidate text.
PAGE_TAGS = set(
    "html head meta title style body main header div h1 h2 h3 h4 p pre span section ul li q table tr th td"
    " svg g text rect desc".split()
)


@pytest.fixture(scope="module")
def interviewer(
    tmp_path_factory: pytest.TempPathFactory, bank: Bank, scorer: OfflineScorer, built_index: BankIndex
) -> Interviewer:
    return Interviewer(bank, scorer, SessionStore(tmp_path_factory.mktemp("report") / "s.sqlite3"), built_index)


@pytest.fixture(scope="module")
def hostile(interviewer: Interviewer) -> Session:
    """A practice session whose first answer and retry carry markup, headings and Markdown tricks."""
    session = interviewer.start(Plan(questions=2, seed=1, focus=["concurrency"]))
    first = session.state.current
    interviewer.reply(session, HOSTILE, audio_seconds=30.0)
    assert session.state.current != first, "the hostile answer should be scored and close the question"
    assert interviewer.retry(session, RETRY) is not None
    return session


@pytest.fixture(scope="module")
def report(bank: Bank, hostile: Session) -> dict[str, Any]:
    return build_report(bank, hostile)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs |= {name for name, _ in attrs}


def _parsed(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    return parser


def _bars(svg: str) -> list[ET.Element]:
    return ET.fromstring(svg).findall(f".//{SVG}rect[@class='bar']")


def test_retries_are_listed_with_their_own_score(report: dict[str, Any]) -> None:
    first, second = report["questions"]
    assert first["answers"] == [HOSTILE]
    [retry] = first["retries"]
    assert retry["answer"] == RETRY and retry["score"] is not None and retry["band"] in {"strong", "adequate"}
    assert second["retries"] == []
    assert "retry (" in to_markdown(report) and "Retries" in to_html(report)


def test_html_never_turns_candidate_text_into_markup(report: dict[str, Any]) -> None:
    page = to_html(report)
    assert SCRIPT not in page and IMG not in page and "<script" not in page.lower() and "<img" not in page.lower()
    assert page.count(SCRIPT_ESC) >= 2 and IMG_ESC in page  # the answer and the retry, as text
    parsed = _parsed(page)
    assert parsed.tags <= PAGE_TAGS, parsed.tags - PAGE_TAGS
    assert not {a for a in parsed.attrs if a.startswith("on")} and not parsed.attrs & {"src", "href"}


def test_html_page_is_self_contained_and_complete(report: dict[str, Any], hostile: Session) -> None:
    page = to_html(report)
    assert page.startswith("<!doctype html>") and "<style>" in page and "<link" not in page and "url(" not in page
    assert hostile.id in page and "python-developer" in page and "practice mode" in page
    assert page.count("<svg") == 2  # competencies and coverage; no scenario, so no stage chart
    first = report["questions"][0]
    assert all(k["text"].replace("'", "&#x27;") in page for k in first["key_points"])
    assert "Words per minute" in page and "not finished" in page
    assert report["delivery"]["words_per_minute"] is not None


def test_markdown_keeps_candidate_text_as_text(report: dict[str, Any]) -> None:
    md = to_markdown(report)
    assert SCRIPT not in md and IMG not in md and SCRIPT_ESC in md and IMG_ESC in md
    assert "> \\# Heading" in md and "\\`rm -rf\\`" in md and "\\[click\\](javascript:alert(1))" in md
    assert "> \\---" in md and "> 1\\. item" in md
    headings = [line for line in md.splitlines() if line.startswith("#")]
    assert all(re.match(r"(# Interview report|## |### )", h) for h in headings), headings
    assert "Answer:" in md and "words per minute" in md
    assert sum(line.startswith("- follow-up asked:") for line in md.splitlines()) == sum(
        len(q["follow_ups"]) for q in report["questions"]
    )


def test_markdown_renders_without_markup_from_the_candidate(report: dict[str, Any]) -> None:
    markdown_it = pytest.importorskip("markdown_it")
    rendered = markdown_it.MarkdownIt("commonmark").render(to_markdown(report))
    assert "<script" not in rendered and "<img" not in rendered and "<a " not in rendered
    assert "<code>" not in rendered and "<hr" not in rendered and "<h1>Heading" not in rendered
    assert rendered.count("<h1>") == 1 and "&lt;script&gt;" in rendered


def test_report_charts_have_one_bar_per_competency_and_item(report: dict[str, Any]) -> None:
    competencies = _bars(competency_chart(report))
    assert len(competencies) == len(report["competencies"]) >= 1
    coverage = _bars(coverage_chart(report))
    assert len(coverage) == len(report["questions"]) == 2
    assert coverage[0].get("data-value", "").endswith("%")
    assert stage_chart(report) == ""


def test_bar_chart_escapes_labels_and_colours_by_band() -> None:
    items: list[tuple[str, float | None]] = [(SCRIPT, 7.5), (IMG, 5.0), ("a & b", 2.5), ("low", 2.4), ("none", None)]
    svg = bar_chart(f"Title {SCRIPT}", items)
    assert SCRIPT not in svg and IMG not in svg and SCRIPT_ESC in svg and IMG_ESC in svg
    root = ET.fromstring(svg)  # well-formed XML, so it also works saved as a .svg file
    assert root.get("role") == "img" and root.findtext(f"{SVG}title") == f"Title {SCRIPT}"
    assert [bar.get("fill") for bar in _bars(svg)] == [charts.GREEN, charts.AMBER, charts.ORANGE, charts.RED, "none"]
    assert _bars(svg)[-1].get("stroke") == charts.GREY and "n/a" in svg
    assert bar_chart("empty", []) == ""


def test_stage_chart_and_stage_details(interviewer: Interviewer, bank: Bank) -> None:
    session = interviewer.start(Plan(questions=0, scenario="production-bug", seed=1))
    interviewer.reply(
        session,
        "First I'd acknowledge the incident and tell the team and stakeholders in the incident channel. Then I'd "
        "check the Grafana dashboards for error rate, latency and throughput per endpoint to see the impact. I'd "
        "check what was deployed recently, and roll back the last release if it looks like the cause.",
    )
    report = build_report(bank, session)
    stages = report["scenario"]["stages"]
    assert len(stages) >= 2 and stages[0]["score"] is not None and stages[-1]["score"] is None
    bars = _bars(stage_chart(report))
    assert len(bars) == len(stages) and bars[-1].get("data-value") == "n/a"
    page = to_html(report)
    assert page.count("<svg") == 3 and all(f.replace("'", "&#x27;") in page for f in stages[0]["facts_revealed"])
    assert "incident-response" in report["competencies"]


def test_an_unanswered_question_is_not_a_zero(interviewer: Interviewer, bank: Bank) -> None:
    session = interviewer.start(Plan(questions=2, seed=4))
    report = build_report(bank, session)
    assert report["questions"][0]["score"] is None and report["competencies"] == {}
    assert report["overall"] is None and "not scored" in to_html(report)
    assert "## Strengths" not in to_markdown(report) and "## To improve" not in to_markdown(report)  # no empty heading
    interviewer.reply(session, "I don't know")
    skipped = build_report(bank, session)
    assert skipped["questions"][0]["unscored_reason"] == "skipped"
    assert list(skipped["competencies"].values()) == [0.0]


def test_a_skipped_question_counts_as_zero_and_the_scenario_once(interviewer: Interviewer, bank: Bank) -> None:
    """One rule for every total: the overall, the competencies and the history agree, a skip is a 0 shown as
    skipped, and a scenario weighs as much as one question however many stages it has."""
    from interviewer.interview.history import session_history

    session = interviewer.start(Plan(questions=2, seed=4, scenario="production-bug"))
    interviewer.reply(session, "skip")
    second = session.state.current
    interviewer.reply(session, GOOD)
    while session.state.current == second:  # its follow-ups: moving on keeps the answer's score
        interviewer.reply(session, "skip")
    skipped, answered = build_report(bank, session)["questions"][:2]
    assert skipped["unscored_reason"] == "skipped" and answered["score"] is not None
    assert session.state.phase == "scenario"
    interviewer.reply(
        session,
        "First I'd acknowledge the incident and tell the team and stakeholders in the incident channel. Then I'd "
        "check the dashboards for error rate, latency and throughput per endpoint to see the impact.",
    )
    stage = session.state.current
    while session.state.current == stage:  # its probes: the stage closes with the answer's score
        interviewer.reply(session, "skip")
    stage = session.state.current
    interviewer.reply(session, "I'd read the error logs and check memory, CPU and connection pool usage.")
    while session.state.current == stage:
        interviewer.reply(session, "skip")
    report = build_report(bank, session)
    stages = [s["score"] or 0.0 for s in report["scenario"]["stages"] if s["score"] is not None]
    assert len(stages) == 2 and report["scenario"]["score"] == round(sum(stages) / len(stages), 1)
    expected = round((answered["score"] + 0.0 + report["scenario"]["score"]) / 3, 1)
    assert report["overall"] == expected and report["skipped"] == 1
    md, page = to_markdown(report), to_html(report)
    assert "skipped (counts as 0/10)" in md and "1 skipped, counted as 0" in md and "1 skipped, counted as 0" in page
    scenario = bank.scenario("production-bug")
    assert f"Scenario: {scenario.title}" in md and "production-bug" not in coverage_chart(report)
    assert all(q["id"] not in coverage_chart(report) for q in report["questions"])
    row = next(r for r in session_history(interviewer.store, bank) if r["id"] == session.id)
    assert row["overall"] == report["overall"] and row["competencies"] == report["competencies"]
