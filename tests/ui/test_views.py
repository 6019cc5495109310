"""The page's pure view functions: a typed engine and score in, escaped text out, nothing parsed back."""

from __future__ import annotations

from interviewer.scoring.models import AnswerScore, Delivery, Engine, KeyPointResult, Ownership, Specificity
from interviewer.ui import views


def test_the_engine_notice_names_a_failure_and_a_refusal_differently() -> None:
    assert views.engine_notice(Engine()) is None and views.engine_notice(Engine.llm("m")) is None
    failed = views.engine_notice(Engine.fell_back("m", "failed", "LLMUnavailable: HTTP 500 <b>"))
    assert failed is not None and failed.startswith("The model endpoint failed (LLMUnavailable: HTTP 500 &lt;b&gt;)")
    refused = views.engine_notice(Engine.fell_back("m", "refused", "it repeated an earlier question"))
    assert refused is not None and "endpoint failed" not in refused
    assert "not used (it repeated an earlier question)" in refused and "offline engine decided this turn" in refused


def test_the_feedback_panel_reads_a_typed_score_and_escapes_the_candidates_words() -> None:
    score = AnswerScore(
        score=6.0,
        band="adequate",
        key_points=[
            KeyPointResult(text="Caps retries.", verdict="partial", evidence="<script>retry</script>"),
            KeyPointResult(text="Adds jitter.", verdict="missing"),
        ],
        specificity=Specificity(ownership=Ownership(i=1, we=0), score=0.2),
        delivery=Delivery(words=40, filler_words=2, filler_rate=5.0, words_per_minute=130.0),
        engine=Engine.fell_back("m", "failed", "timeout"),
    )
    html = views.feedback_html(score, previous=4.0)
    assert "6.0/10" in html and "(was 4.0, +2.0)" in html and "Caps retries. (partial)" in html
    assert "&lt;script&gt;retry&lt;/script&gt;" in html and "<script>" not in html
    assert "Adds jitter." in html and "130 words/min" in html and "Engine: offline (llm failed: timeout)" in html


def test_a_spoken_answer_shows_its_talk_time_and_pauses() -> None:
    score = AnswerScore(
        score=5.0,
        band="adequate",
        specificity=Specificity(ownership=Ownership(i=1, we=0), score=0.2),
        delivery=Delivery(words=90, filler_words=0, filler_rate=0.0, words_per_minute=120.0, talk_seconds=45.0,
                          long_pauses=1, longest_pause_s=3.2),
    )  # fmt: skip
    assert "talking for 45 s, 1 long pause (longest 3.2 s)" in views.feedback_html(score)


def test_a_red_flag_from_an_earlier_answer_is_named_not_quoted_again() -> None:
    """An item is scored on all its answers together; the panel for the latest answer quotes what it said, names a
    mistake from an earlier answer, and takes its tip from something else."""
    from interviewer.scoring.models import Feedback, RedFlagResult

    earlier, latest = "We tell nobody.", "First we check the dashboards for errors."
    score = AnswerScore(
        score=3.0,
        band="weak",
        key_points=[KeyPointResult(id="deploys", text="Checks recent deploys.", verdict="missing")],
        red_flags=[
            RedFlagResult(
                id="comms", text="Says the opposite of: Tells the team.", evidence=earlier, kind="contradiction"
            ),
            RedFlagResult(id="blame", text="Blames the vendor.", evidence="check the dashboards"),
        ],
        feedback=Feedback(improvements=[f'Get this right: tells the team. You said the opposite: "{earlier}"']),
        specificity=Specificity(ownership=Ownership(i=1, we=0), score=0.2),
        delivery=Delivery(words=7, filler_words=0, filler_rate=0.0),
    )
    html = views.feedback_html(score, latest=latest)
    assert earlier not in html and "Tells the team. <span class=muted>(in an earlier answer)</span>" in html
    assert "check the dashboards" in html  # this answer's flag keeps its quote
    assert "Add this point: checks recent deploys." in html and "You said the opposite" not in html
    assert earlier in views.feedback_html(score)  # without the answer, everything is shown as it was scored
