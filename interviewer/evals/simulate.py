"""Run whole interviews between the real Interviewer and a simulated candidate, keeping each turn's ground truth."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Protocol

from interviewer.bank.loader import Bank
from interviewer.evals.candidate import Item, View
from interviewer.evals.personas import Said
from interviewer.interview.interviewer import Interviewer
from interviewer.interview.models import Plan, Session, Turn

MAX_TURNS = 60  # candidate turns; an interview still going after this many is stuck


class Candidate(Protocol):
    name: str

    def respond(self, view: View) -> Said: ...


@dataclass(frozen=True)
class Exchange:
    """One candidate turn (as stored, with its score), its ground truth, and the interviewer's reply."""

    said: Said
    turn: Turn
    replies: list[Turn]
    seconds: float

    @property
    def dropped(self) -> bool:
        """The interviewer set this answer aside and asked for a real one, so later scores do not include it."""
        return self.turn.score is not None and self.turn.score.score is None and self.replies[0].kind == "clarify"


@dataclass
class Dialogue:
    persona: str
    candidate: str
    plan: Plan
    session: Session  # as reloaded from SQLite after the last turn
    opening: list[Turn]
    exchanges: list[Exchange] = field(default_factory=list)
    error: str | None = None

    @property
    def finished(self) -> bool:
        return self.session.state.phase == "done"


def item_of(bank: Bank, plan: Plan, item_id: str | None) -> Item | None:
    if item_id is None:
        return None
    found = bank.item(item_id)
    if isinstance(found, tuple):
        scenario, stage = found
        return Item(item_id, stage.opening, list(stage.expected_actions), [*stage.red_flags, *scenario.red_flags])
    return Item(item_id, found.text, list(found.key_points), list(found.red_flags))


def targets_of(bank: Bank, turn: Turn) -> tuple[str, ...] | None:
    """What an interviewer's follow-up, probe or hint presses on, when it is the bank's wording; else None."""
    if turn.question_id is None or turn.kind not in ("follow-up", "probe", "hint"):
        return None
    found = bank.item(turn.question_id)
    if isinstance(found, tuple):
        return next(((p.action,) for p in found[1].probes if p.text in turn.text), None)
    follow_ups = found.follow_ups
    return next((tuple(f.targets) for f in follow_ups if f.text in turn.text), None)


def run_dialogue(
    interviewer: Interviewer, bank: Bank, candidate: Candidate, persona: str, plan: Plan, max_turns: int = MAX_TURNS
) -> Dialogue:
    session = interviewer.start(plan)
    dialogue = Dialogue(persona, candidate.name, plan, session, opening=list(session.turns))
    last = session.turns[-1]
    for _ in range(max_turns):
        if session.state.phase == "done":
            break
        item = item_of(bank, plan, session.state.current)
        if item is not None and session.state.phase == "scenario":  # the stage as it was asked: maybe its `given`
            item = replace(item, prompt=interviewer.scenarios.prompt(session) or item.prompt)
        view = View(
            phase=session.state.phase,
            item=item,
            last_kind=last.kind,
            last_text=last.text,
            targets=targets_of(bank, last) or (),
        )
        said = candidate.respond(view)
        start = time.perf_counter()
        try:
            result = interviewer.reply(session, said.text)
        except Exception as e:  # a crash is a finding, reported with the transcript so far
            dialogue.error = f"{type(e).__name__}: {e}"
            break
        seconds = time.perf_counter() - start
        dialogue.exchanges.append(Exchange(said, result.candidate, result.turns, seconds))
        last = result.turns[-1]
    dialogue.session = interviewer.store.load(session.id)
    return dialogue
