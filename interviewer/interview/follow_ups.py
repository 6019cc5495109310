"""Which of the bank's follow-ups to ask next on a question: for what the answer missed, as examples for the LLM
policy, or as a hint."""

from __future__ import annotations

from interviewer.bank.loader import Bank
from interviewer.bank.models import is_stage_key
from interviewer.index.store import BankIndex, IndexUnavailable
from interviewer.interview.models import Session
from interviewer.scoring.models import AnswerScore

CHALLENGE = "How sure are you about that? Walk me through why it holds."
QUOTE_WORDS = 14


def quote(evidence: str) -> str:
    """The claim as said, short enough to hear back: its first words, without the closing full stop."""
    words = evidence.split()
    text = " ".join(words[:QUOTE_WORDS]).rstrip(".,;:")
    return text + ("..." if len(words) > QUOTE_WORDS else "")


def claims_to_press(result: AnswerScore) -> list[tuple[str, str]]:
    """(target id, the candidate's words) for each claim worth pressing on: a red flag or a key point's opposite
    quoted as evidence, then a sentence the answer reader reads as the opposite of a point (`unclear`)."""
    out = [(f.id, f.evidence) for f in result.red_flags if f.id and f.evidence and f.kind != "injection"]
    out += [(k.id, k.unclear) for k in result.key_points if k.id and k.unclear and k.verdict == "missing"]
    return out


class FollowUps:
    def __init__(self, bank: Bank, index: BankIndex | None):
        self.bank, self.index = bank, index
        self._related: dict[str, list[str]] = {}  # question id -> follow-ups of its nearest neighbours

    def for_missed(self, session: Session, result: AnswerScore) -> str | None:
        """The first follow-up not asked yet that presses on a key point missed or a red flag raised."""
        state = session.state
        if state.follow_ups_asked >= session.plan.max_follow_ups or result.score is None or state.current is None:
            return None
        missed = {k.id for k in result.key_points if k.verdict == "missing"} | {f.id for f in result.red_flags if f.id}
        for text, targets in self._not_asked(session, made(result)):
            if set(targets) & missed:
                return text
        return None

    def challenge(self, session: Session, result: AnswerScore) -> str | None:
        """A follow-up that presses on a wrong claim the answer made (`claims_to_press`), quoting it back without
        giving the answer away: the bank's follow-up for that claim when there is one not asked yet, else a plain
        "how sure are you". One challenge per claim and per quote, within the question's follow-ups."""
        state = session.state
        current = state.current
        if (
            state.follow_ups_asked >= session.plan.max_follow_ups
            or result.score is None
            or current is None
            or is_stage_key(current)
        ):
            return None
        done = set(state.follow_up_targets)
        wrong = [(i, e) for i, e in claims_to_press(result) if not {f"{current}:{i}", f"{current}:{quote(e)}"} & done]
        if not wrong:
            return None
        target, evidence = wrong[0]
        state.follow_up_targets += [f"{current}:{target}", f"{current}:{quote(evidence)}"]
        press = next((text for text, targets in self._not_asked(session, made(result)) if target in targets), None)
        return f'You said "{quote(evidence)}". {press or CHALLENGE}'

    def next_unasked(self, session: Session) -> str | None:
        """The first follow-up not asked yet, whatever it presses on (a hint)."""
        return next((text for text, _ in self._not_asked(session)), None)

    def examples(self, session: Session, result: AnswerScore | None = None) -> list[str]:
        """Bank follow-ups for the current question not asked yet (none that presupposes a point the answer did
        not make), then those of the nearest related questions."""
        current = session.state.current
        if current is None or is_stage_key(current):
            return []
        own = [text for text, _ in self._not_asked(session, made(result) if result else set())]
        return (own + self._neighbours(current))[:5]

    def _not_asked(self, session: Session, made: set[str] | None = None) -> list[tuple[str, list[str]]]:
        """The current question's follow-ups not asked yet, leaving out any that presupposes a key point not in
        `made` ("What stops the same N+1 pattern creeping back?" to a candidate who never named N+1)."""
        current = session.state.current
        if current is None or is_stage_key(current):
            return []
        asked, made = set(session.state.follow_ups.get(current, [])), made or set()
        return [
            (f.text, list(f.targets))
            for f in self.bank.question(current).follow_ups
            if f.text not in asked and set(f.presupposes) <= made
        ]

    def _neighbours(self, current: str) -> list[str]:
        """The first follow-up of each of the nearest questions: searched once per question, then remembered. (Only
        examples of style for the LLM policy: never asked as they are.)"""
        if current not in self._related:
            found: list[str] = []
            if self.index is not None:
                known = {q.id for q in self.bank.questions}
                try:
                    hits = self.index.search(self.bank.question(current).text, k=3, kind="question")
                except IndexUnavailable:  # a Chroma server gone: no examples this time, and ask again next time
                    return []
                for hit in hits:
                    if hit.id != current and hit.id in known:
                        found += [f.text for f in self.bank.question(hit.id).follow_ups[:1]]
            self._related[current] = found
        return self._related[current]


def made(result: AnswerScore) -> set[str]:
    """The key points the answers so far made, fully or in part: what a follow-up may take as said."""
    return {k.id for k in result.key_points if k.id and k.verdict in ("covered", "partial")}
