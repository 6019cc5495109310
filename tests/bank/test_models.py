import copy
from typing import Any

import pytest
from pydantic import ValidationError

from interviewer.bank.loader import Bank
from interviewer.bank.models import Question


@pytest.fixture
def raw_question(bank: Bank) -> dict[str, Any]:
    return copy.deepcopy(bank.questions[0].model_dump())


def test_a_shipped_entry_round_trips(raw_question: dict[str, Any]) -> None:
    assert Question.model_validate(raw_question).id == raw_question["id"]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda q: q.update(difficulty="hard"), "Extra inputs are not permitted"),
        (lambda q: q["key_points"][0].update(score=3), "Extra inputs are not permitted"),
        (lambda q: q.update(key_points=q["key_points"][:2]), "at least 3"),
        (lambda q: q.update(red_flags=q["red_flags"][:1]), "at least 2"),
        (lambda q: q.update(follow_ups=q["follow_ups"][:1]), "at least 2"),
        (lambda q: q.update(level="expert"), "entry"),
        (lambda q: q.update(track="java"), "behavioral"),
        (lambda q: q.update(id="Has Spaces"), "pattern"),
        (lambda q: q.update(text="  "), "at least 3"),
        (lambda q: q.update(tags=[]), "at least 1"),
    ],
)
def test_schema_rejects(raw_question: dict[str, Any], mutate: Any, message: str) -> None:
    mutate(raw_question)
    with pytest.raises(ValidationError, match=message):
        Question.model_validate(raw_question)


def test_models_are_frozen(bank: Bank) -> None:
    with pytest.raises(ValidationError):
        bank.questions[0].text = "changed"  # type: ignore[misc]
