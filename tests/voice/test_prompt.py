"""What the offline recogniser is told: the question and the tools its rubric names, never a key point."""

from __future__ import annotations

from pathlib import Path

from interviewer.bank.loader import Bank
from interviewer.interview.models import Plan
from interviewer.scoring.rubric import rubric_for
from interviewer.service import Service
from interviewer.settings import get_settings
from interviewer.voice.prompt import recognition_prompt
from tests.voice.conftest import espeak, needs_espeak


def test_the_prompt_is_the_question_and_the_tools_never_a_key_point(bank: Bank) -> None:
    rubric = rubric_for(bank, "swe-background-processing")
    prompt = recognition_prompt(rubric)
    assert prompt.startswith(rubric.question) and "Terms: " in prompt and "Celery" in prompt
    assert not any(k.text in prompt for k in (*rubric.key_points, *rubric.red_flags))
    stage = rubric_for(bank, "production-bug/triage-impact")
    assert recognition_prompt(stage).startswith(stage.question)


@needs_espeak
def test_the_app_tells_the_recogniser_which_question_is_being_answered(tmp_path: Path) -> None:
    service = Service(get_settings())
    session = service.start(Plan(questions=1, seed=2))
    prompt = recognition_prompt(rubric_for(service.bank, session.state.current or ""))
    terms = prompt.partition("Terms: ")[2].rstrip(".").split(", ")
    term = next(t for t in terms if t.isalpha() and len(t) > 4)  # a name a voice can say as a word
    clip = espeak(f"I would use {term} here, and measure it before and after.", tmp_path / "a.wav")
    heard = service.transcribe(clip, session.id)
    assert term.lower() in heard.text.lower(), (term, heard.text)
    assert service.transcribe(clip, "no-such-session").text  # an unknown session: heard without the question
