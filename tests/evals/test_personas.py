"""Simulated candidates: what they say is what their ground truth says they say."""

import pytest

from interviewer.bank.loader import Bank
from interviewer.bank.models import RedFlag
from interviewer.evals.candidate import CLARIFYING, Item, OfflineCandidate, View
from interviewer.evals.personas import INJECTION, PERSONAS, claim, committable
from interviewer.evals.scoring import load_labelled
from interviewer.scoring.guards import injection_spans, precheck
from interviewer.scoring.text import sentences
from interviewer.settings import REPO_ROOT

QUESTION = "pyd-gil-concurrency"


@pytest.mark.parametrize(
    ("check", "said"),
    [
        ("Explains that the GIL lets one thread run at a time.", "The GIL lets one thread run at a time."),
        ("Recommends asyncio or threads for I/O-bound work", "I'd recommend asyncio or threads for I/O-bound work."),
        ("Says they measure before and after.", "I'd say I measure before and after."),
        ("Quantifies the impact on their users.", "I'd quantify the impact on my users."),
        ("Caches wheels between CI runs.", "I'd cache wheels between CI runs."),
        ("Claims threads speed up CPU-bound code.", "Threads speed up CPU-bound code."),
    ],
)
def test_checks_become_first_person_claims(check: str, said: str) -> None:
    assert claim(check) == said


def test_omission_flags_cannot_be_committed() -> None:
    assert not committable(RedFlag(id="no-tests", text="Never mentions tests at all."))
    assert committable(RedFlag(id="blames-team", text="Blames the team for the outage."))


def _item(bank: Bank) -> Item:
    q = bank.question(QUESTION)
    return Item(q.id, q.text, list(q.key_points), list(q.red_flags))


def _first(bank: Bank, persona: str, labelled: bool = False) -> object:
    by_kind = {(i.question_id, i.kind): i for i in load_labelled(REPO_ROOT / "evals" / "scoring")}
    candidate = OfflineCandidate(PERSONAS[persona], bank, by_kind, seed=0, use_labelled=labelled)
    said = candidate.respond(View("questions", _item(bank), "question", _item(bank).prompt))
    if said.kind == "clarify":  # the average candidate asks first, once per interview, then answers
        assert said.text in CLARIFYING and not said.covers
        said = candidate.respond(View("questions", _item(bank), "clarify", "Good question. Go ahead from there."))
    return said


def test_composed_answers_carry_their_ground_truth(bank: Bank) -> None:
    item = _item(bank)
    strong = _first(bank, "strong")
    assert strong.covers == {k.id for k in item.points} and strong.source == "composed"  # type: ignore[attr-defined]
    average = _first(bank, "average")
    assert 0 < len(average.covers) < len(item.points)  # type: ignore[attr-defined]
    injector = _first(bank, "injector")
    assert "prompt-injection" in injector.flags and INJECTION in injector.text  # type: ignore[attr-defined]
    assert injection_spans(sentences(injector.text))  # type: ignore[attr-defined]
    assert _first(bank, "off-topic").covers == frozenset()  # type: ignore[attr-defined]


def test_labelled_answers_bring_their_gold_labels(bank: Bank) -> None:
    said = _first(bank, "strong", labelled=True)
    assert said.source == "labelled"  # type: ignore[attr-defined]
    gold = next(i for i in load_labelled(REPO_ROOT / "evals" / "scoring") if i.id == f"{QUESTION}-strong")
    assert said.text == gold.answer  # type: ignore[attr-defined]
    assert said.covers == {k for k, v in gold.gold.key_points.items() if v == "covered"}  # type: ignore[attr-defined]


@pytest.mark.parametrize(("persona", "kind"), [("silent", "empty"), ("gibberish", "gibberish"), ("idk", "idk")])
def test_non_answer_personas(bank: Bank, persona: str, kind: str) -> None:
    said = _first(bank, persona)
    assert said.kind == kind and not said.covers  # type: ignore[attr-defined]
    if kind in ("empty", "gibberish"):
        assert precheck(said.text) == kind  # type: ignore[attr-defined]


def test_follow_ups_are_answered_by_persona(bank: Bank) -> None:
    item = _item(bank)
    for persona, expected in (("average", "answer"), ("weak", "answer"), ("panicker", "idk")):
        candidate = OfflineCandidate(PERSONAS[persona], bank, {}, seed=0, use_labelled=False)
        first = candidate.respond(View("questions", item, "question", item.prompt))
        if first.kind in ("minute", "clarify"):  # the panicker stalls first; the average candidate asks first
            first = candidate.respond(View("questions", item, "wait", "Take your time."))
        missed = next(k.id for k in item.points if k.id not in first.covers)
        said = candidate.respond(View("questions", item, "follow-up", "So?", targets=(missed,)))
        assert said.kind == expected
        assert (missed in said.covers) == (persona == "average")
