"""Choosing the next question: right track and level, never a repeat, varied competencies, and a preference
for what the candidate talked about and for areas that were weak so far."""

from __future__ import annotations

import logging
import random

from interviewer.bank.loader import Bank
from interviewer.bank.models import LEVELS, Question, is_stage_key
from interviewer.index.store import BankIndex, IndexUnavailable
from interviewer.interview.models import Session

WEAK = 5.0

log = logging.getLogger(__name__)


def _pool(bank: Bank, session: Session) -> list[Question]:
    plan = session.plan
    fresh = [q for q in bank.questions if q.track in plan.tracks and q.id not in session.state.asked]
    exact = [q for q in fresh if q.level == plan.level]
    if exact:
        return exact
    near = LEVELS[max(0, LEVELS.index(plan.level) - 1) : LEVELS.index(plan.level) + 2]
    return [q for q in fresh if q.level in near] or fresh


def next_question(bank: Bank, index: BankIndex | None, session: Session) -> Question | None:
    first = session.plan.first
    if first and first not in session.state.asked and first in {q.id for q in bank.questions}:
        return bank.question(first)  # the question the candidate chose to practise
    pool = _pool(bank, session)
    if not pool:
        return None
    state, plan = session.state, session.plan
    rng = random.Random(plan.seed * 7919 + len(state.asked))
    rng.shuffle(pool)
    used = {bank.question(q).competency for q in state.asked if q in {x.id for x in bank.questions}}
    weak = {
        bank.question(qid).competency
        for qid, score in state.scores.items()
        if not is_stage_key(qid) and (score.score is None or score.score < WEAK)
    }
    similarity: dict[str, float] = {}
    if index is not None and state.answers_so_far:
        query = state.answers_so_far[-1][:1000]
        try:
            for hit in index.search(query, k=40, kind="question", level=plan.level):
                similarity[hit.id] = hit.score
        except IndexUnavailable as e:  # a Chroma server gone: the bank still gives the next question
            log.warning("choosing the next question without the index: %s", e)

    def rank(q: Question) -> tuple[bool, bool, float]:
        repeat_competency = q.competency in used and q.competency not in weak
        preferred = q.competency in plan.focus or q.competency in weak
        return (repeat_competency, not preferred, -similarity.get(q.id, 0.0))

    return min(pool, key=rank)
