"""Deterministic checks of interviewer behaviour on transcripts. Each check is a rate: passed over applicable.

They read the stored session and the simulator's ground truth, never the interviewer's private reasoning, so a
check fails when the candidate would have seen something wrong.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from interviewer.bank.loader import Bank
from interviewer.bank.models import ItemRef, is_stage_key
from interviewer.evals.personas import Said, committable
from interviewer.evals.simulate import Dialogue, Exchange, item_of, targets_of
from interviewer.interview.follow_ups import claims_to_press, quote
from interviewer.interview.models import Turn
from interviewer.interview.report import build_report
from interviewer.interview.utterances import ACKS, TEMPLATES, WARM_ACKS, WARM_FROM

MAX_WORDS = 70  # about 25 seconds of speech: longer turns lose a listener
# Briefings may run longer: the scenario's setup, read once, and a stage change, which tells the facts the candidate
# earned and then opens the next stage.
MAX_WORDS_BY_KIND = {"scenario-setup": 130, "stage": 100}
MOVED_ON = {"question", "stage", "scenario-setup", "wrap-up"}
SHINGLE = 7
GRADE_TALK = re.compile(r"\b(\d+(\.\d+)?\s*/\s*10|out of 10|rubric|key points?|red flags?|reference answer)\b", re.I)


@dataclass
class Rate:
    passed: int = 0
    total: int = 0
    failures: list[str] = field(default_factory=list)

    def add(self, ok: bool, why: str = "") -> None:
        self.total += 1
        self.passed += ok
        if not ok and len(self.failures) < 8:
            self.failures.append(why)

    @property
    def value(self) -> float | None:
        return round(self.passed / self.total, 4) if self.total else None


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def _shingles(text: str) -> set[tuple[str, ...]]:
    w = _words(text)
    return {tuple(w[i : i + SHINGLE]) for i in range(len(w) - SHINGLE + 1)}


class Secrets:
    """Seven-word runs of the bank's private text (key points, red flags, references, guidance) that the
    interviewer never says on its own: runs it may say (questions, follow-ups, probes, facts) are allowed."""

    def __init__(self, bank: Bank):
        private: set[tuple[str, ...]] = set()
        public: set[tuple[str, ...]] = set()
        for q in bank.questions:
            for text in [q.reference_answer, q.guidance or "", *(c.text for c in [*q.key_points, *q.red_flags])]:
                private |= _shingles(text)
            for text in [q.text, *(f.text for f in q.follow_ups)]:
                public |= _shingles(text)
        for s in bank.scenarios:
            public |= _shingles(s.setup)
            private |= set().union(*(_shingles(f.text) for f in s.red_flags))
            for st in s.stages:
                public |= set().union(
                    _shingles(st.opening), _shingles(st.given or ""), *(_shingles(f.text) for f in st.facts)
                )
                public |= set().union(*(_shingles(p.text) for p in st.probes))
                private |= set().union(*(_shingles(c.text) for c in [*st.expected_actions, *st.red_flags]))
        self.private = private - public

    def leak(self, text: str) -> str | None:
        hit = next(iter(_shingles(text) & self.private), None)
        if hit:
            return " ".join(hit)
        grade = GRADE_TALK.search(text)
        return grade.group(0) if grade else None


@dataclass
class Truth:
    """What the candidate has actually said on one item so far (answers the interviewer kept)."""

    covers: set[str] = field(default_factory=set)
    partial: set[str] = field(default_factory=set)
    flags: set[str] = field(default_factory=set)


def truths(dialogue: Dialogue) -> Iterator[tuple[Exchange, Truth]]:
    """Each exchange with the truth of its item after it (a dropped answer adds nothing)."""
    per_item: dict[str, Truth] = {}
    for ex in dialogue.exchanges:
        truth = per_item.setdefault(ex.turn.question_id or "", Truth())
        if ex.said.kind == "answer" and not ex.dropped:
            truth.covers |= ex.said.covers
            truth.partial |= ex.said.partial
            truth.flags |= ex.said.flags
        yield ex, Truth(set(truth.covers), set(truth.partial), set(truth.flags))


def no_repeated_questions(d: Dialogue, rate: Rate) -> None:
    asked = d.session.state.asked
    said = [t.text for t in d.session.turns if t.role == "interviewer" and t.kind in ("question", "follow-up", "probe")]
    ok = len(asked) == len(set(asked)) and len(said) == len(set(said))
    rate.add(ok, f"{d.session.id}: repeated {[x for x in said if said.count(x) > 1][:1] or asked}")


def follow_up_hits(bank: Bank, d: Dialogue, follow_ups: Rate, probes: Rate, unattributed: list[str]) -> None:
    """A follow-up or probe hits when it presses on a point the candidate really missed or a flag they committed."""
    for ex, truth in truths(d):
        for turn in ex.replies:
            if turn.kind not in ("follow-up", "probe"):
                continue
            item = item_of(bank, d.plan, turn.question_id)
            targets = (
                targets_of(bank, turn)
                or challenged(ex, turn)
                or (_cue_targets(item.points, turn.text) if item else None)
            )
            if not targets or item is None:
                unattributed.append(turn.text)
                continue
            missed = {k.id for k in item.points} - truth.covers  # a point only touched on is fair to press on
            hit = bool(set(targets) & (missed | truth.flags))
            (probes if turn.kind == "probe" else follow_ups).add(hit, f"{turn.text!r} targets {targets}; said {truth}")


def no_presupposition(bank: Bank, d: Dialogue, rate: Rate) -> None:
    """A bank follow-up that presupposes key points ("What stops the same N+1 pattern creeping back?") is asked only
    of a candidate who really made them, fully or in part (by the persona's truth, not the scorer's reading)."""
    for ex, truth in truths(d):
        for turn in ex.replies:
            if turn.kind != "follow-up" or not turn.question_id or is_stage_key(turn.question_id):
                continue
            for f in bank.question(turn.question_id).follow_ups:
                if f.presupposes and f.text in turn.text:
                    said = truth.covers | truth.partial
                    rate.add(set(f.presupposes) <= said, f"{f.text!r} presupposes {f.presupposes}; said {truth}")


def main_reply(ex: Exchange) -> Turn:
    """The interviewer's reply to what was said: after the short reply to a question the candidate asked before
    answering (`asked_first_answered`), the turn that answers the answer."""
    lead = ex.said.asked_first and len(ex.replies) > 1 and ex.replies[0].kind == "clarify"
    return ex.replies[1] if lead else ex.replies[0]


def challenged(ex: Exchange, turn: Turn) -> tuple[str, ...] | None:
    """The flags of the answer whose words a challenge quotes back ('You said "..."'), or None."""
    if 'You said "' not in turn.text or ex.turn.score is None:
        return None
    found = tuple(i for i, evidence in claims_to_press(ex.turn.score) if quote(evidence) in turn.text)
    return found or None


def challenge_rate(d: Dialogue, rate: Rate) -> None:
    """A wrong claim the candidate really made (a committed red flag, by the persona's truth) is pressed on by the
    interviewer's next move, while the question still has follow-ups left."""
    asked: dict[str, int] = {}
    for ex, truth in truths(d):
        item = ex.turn.question_id or ""
        left = asked.get(item, 0) < d.plan.max_follow_ups
        claims = ex.said.flags - {"prompt-injection"}  # an injection is set aside, not argued with
        committed = ex.said.kind == "answer" and not ex.dropped and bool(claims)
        if committed and left and item and not is_stage_key(item) and ex.turn.score and ex.turn.score.score is not None:
            reply = main_reply(ex)
            hit = bool(set(challenged(ex, reply) or ()) & truth.flags)
            rate.add(hit, f"{sorted(claims)} in {ex.said.text[:50]!r} -> {reply.text[:60]!r}")
        asked[item] = asked.get(item, 0) + sum(t.kind == "follow-up" for t in ex.replies)


def _cue_targets(points: list, text: str) -> tuple[str, ...] | None:
    low = text.lower()
    found = tuple(k.id for k in points if any(c in low for c in k.cues))
    return found or None


QUOTED = re.compile(r'You said "[^"]*"')  # a challenge quoting the candidate's own words back


def no_leaks(secrets: Secrets, d: Dialogue, rate: Rate) -> None:
    """No interviewer turn says the rubric's private words. The candidate's own words quoted back in a challenge
    ('You said "..."') are theirs, not a leak, when they did say them."""
    said = " ".join(" ".join(t.text.split()) for t in d.session.turns if t.role == "candidate")
    for turn in d.session.turns:
        if turn.role == "interviewer":
            text = QUOTED.sub(lambda m: "" if m.group(0)[10:-1].rstrip(".") in said else m.group(0), turn.text)
            leak = secrets.leak(text)
            rate.add(leak is None, f"{turn.kind}: leaked {leak!r}")


def turn_limits(bank: Bank, d: Dialogue, length: Rate, one_question: Rate) -> None:
    for turn in d.session.turns:
        if turn.role != "interviewer":
            continue
        limit = MAX_WORDS_BY_KIND.get(turn.kind, MAX_WORDS)
        length.add(len(turn.text.split()) <= limit, f"{turn.kind} of {len(turn.text.split())} words")
        asks = _questions_asked(bank, turn)
        one_question.add(asks <= 1, f"{turn.kind} asks {asks}: {turn.text[:90]!r}")


def _questions_asked(bank: Bank, turn: Turn) -> int:
    """Question marks, except that a bank question counts once: one source question is worded as two
    ("Have you built background jobs ...? How did you handle retries ...?"), and the bank keeps the source's words."""
    text = turn.text
    if turn.kind in ("question", "repeat") and turn.question_id and "/" not in turn.question_id:
        asked = bank.question(turn.question_id).text
        if asked in text:
            return text.replace(asked, "").count("?") + 1
    return text.count("?")


def stage_progression(bank: Bank, d: Dialogue, rate: Rate) -> None:
    if not d.plan.scenario:
        return
    expected = [ItemRef.of_stage(d.plan.scenario, st.id).key for st in bank.scenario(d.plan.scenario).stages]
    visited = [i for i in d.session.state.asked if is_stage_key(i)]
    order = [t.question_id for t in d.session.turns if t.role == "interviewer" and t.kind == "stage"]
    monotonic = all(expected.index(a) <= expected.index(b) for a, b in itertools.pairwise(order) if a and b)
    wrapped = any(t.kind == "wrap-up" for t in d.session.turns)
    rate.add(visited == expected and monotonic and wrapped, f"{d.session.id}: visited {visited}")


def facts_earned(bank: Bank, d: Dialogue, rate: Rate) -> None:
    if not d.plan.scenario:
        return
    scenario = bank.scenario(d.plan.scenario)
    for ex, truth in truths(d):
        stage_id = ItemRef.parse(ex.turn.question_id).stage if ex.turn.question_id else None
        stage = next((st for st in scenario.stages if st.id == stage_id), None)
        for fact in stage.facts if stage else []:
            if any(fact.text in t.text for t in ex.replies):
                ok = bool(set(fact.earned_by) & truth.covers)
                rate.add(ok, f"{fact.id} revealed after {ex.said.text[:80]!r}")


def givens_fit(bank: Bank, d: Dialogue, rate: Rate) -> None:
    """A stage whose opening takes an earlier result as the candidate's own ("So the rollback didn't help") opens
    that way only after the candidate earned it (the fact was told, or the previous stage's action was covered);
    otherwise it opens with its `given` wording, which hands the situation over as a given."""
    if not d.plan.scenario:
        return
    scenario = bank.scenario(d.plan.scenario)
    facts = {f.id: f.text for st in scenario.stages for f in st.facts}
    said: list[str] = []
    covered: dict[str, set[str]] = {}  # stage id -> actions covered in it
    for t in d.session.turns:
        if t.role == "candidate" and t.stage and t.score:
            covered.setdefault(t.stage, set()).update(
                k.id for k in t.score.key_points if k.id and k.verdict == "covered"
            )
        if t.role == "interviewer" and t.kind == "stage" and t.stage:
            n = next(i for i, st in enumerate(scenario.stages) if st.id == t.stage)
            st = scenario.stages[n]
            if st.earned_by:
                before = covered.get(scenario.stages[n - 1].id, set()) if n else set()
                told = {f for f in st.earned_by if f in facts and any(facts[f] in x for x in [*said, t.text])}
                earned = bool(told or before & set(st.earned_by))
                as_own = st.opening in t.text and not (st.given and st.given in t.text)  # a given may end with it
                ok = as_own == earned and (as_own or bool(st.given and st.given in t.text))
                rate.add(ok, f"{st.id}: {'earned' if earned else 'not earned'}, said {t.text[:60]!r}")
        if t.role == "interviewer":
            said.append(t.text)


def non_answers_handled(d: Dialogue, rate: Rate) -> None:
    """A non-answer gets the right reply and never earns credit."""
    for ex in d.exchanges:
        said, first = ex.said, main_reply(ex)
        if ex.turn.question_id is None or (said.kind == "answer" and not (said.off_topic or said.parrot)):
            continue
        score = ex.turn.score.score if ex.turn.score else None
        credited = score is not None and score >= 2.5
        expected = {
            "empty": {"clarify"} | MOVED_ON,
            "gibberish": {"clarify", "probe"} | MOVED_ON,  # a probe: the scenario goes on, asking what was missed
            "idk": MOVED_ON,
            "repeat-request": {"repeat"},
            "minute": {"wait"},
            "clarify": {"clarify"},
        }.get(said.kind, {"clarify", "follow-up", "probe"} | MOVED_ON)
        false_ack = said.kind in ("empty", "gibberish") and first.text.startswith(tuple(ACKS))  # "got it" to noise
        ok = first.kind in expected and not credited and not false_ack
        label = "off-topic" if said.off_topic else "repeats the question" if said.parrot else said.kind
        rate.add(ok, f"{label} {said.text[:40]!r} -> {first.kind} (score {score})")


def acks_fit(d: Dialogue, rate: Rate) -> None:
    """After an answer scored below 5, the interviewer's acknowledgement is neutral: "Makes sense." after a wrong
    answer tells the candidate it was right."""
    for ex in d.exchanges:
        score = ex.turn.score.score if ex.turn.score else None
        if ex.said.kind != "answer" or score is None or score >= WARM_FROM or not ex.replies:
            continue
        first = main_reply(ex).text
        rate.add(not first.startswith(tuple(WARM_ACKS)), f"{score:.1f} {ex.said.text[:40]!r} -> {first[:40]!r}")


def clarifications_answered(d: Dialogue, rate: Rate) -> None:
    """A clarifying question gets a real reply (the profile's answer, or an honest "that's open, assume and say
    so"), is not scored, and leaves the question open for the answer."""
    for ex in d.exchanges:
        if ex.said.kind != "clarify" or not ex.replies:
            continue
        first = ex.replies[0]
        real = first.text.startswith("Good question. ") or first.text in TEMPLATES["clarify-open"]
        ok = first.kind == "clarify" and real and ex.turn.score is None
        rate.add(ok, f"{ex.said.text!r} -> {first.kind}: {first.text[:60]!r}")


ASKED_FIRST_LEADS = tuple(t.split(":")[0] for t in (*TEMPLATES["asked-first"], *TEMPLATES["asked-first-open"]))


def asked_first_answered(d: Dialogue, rate: Rate) -> None:
    """A clarifying question asked before answering in the same turn ("Can I assume Postgres? I'd load it with
    COPY...") gets its reply in front of the interviewer's next line, and the answer after it is scored (the
    question itself is never quoted as evidence)."""
    for ex in d.exchanges:
        if ex.said.asked_first is None or not ex.replies:
            continue
        first, score = ex.replies[0], ex.turn.score
        quoted = [k.evidence for k in score.key_points if k.evidence] if score else []
        ok = (
            first.text.startswith(ASKED_FIRST_LEADS)
            and score is not None
            and not any(ex.said.asked_first in q for q in quoted)
        )
        rate.add(ok, f"{ex.said.text[:60]!r} -> {first.kind}: {first.text[:60]!r}")


def _scored_as_answers(d: Dialogue, rate: Rate, marked: Callable[[Said], bool]) -> None:
    """Each turn `marked` by the persona's truth was scored as an answer, not taken for a non-answer."""
    for ex in d.exchanges:
        if marked(ex.said) and ex.replies:
            score, first = ex.turn.score, ex.replies[0]
            ok = ex.turn.kind == "answer" and score is not None and score.score is not None
            rate.add(ok, f"{ex.said.text[:60]!r} -> {ex.turn.kind}, {first.kind}: {first.text[:50]!r}")


def asked_after_scored(d: Dialogue, rate: Rate) -> None:
    """An answer that ends with a question back ("Does that answer what you were asking?") is an answer: scored,
    never taken for a clarifying question."""
    _scored_as_answers(d, rate, lambda said: said.asks_after)


def unsure_attempts_scored(d: Dialogue, rate: Rate) -> None:
    """An answer that opens with "I don't know, I guess..." and answers anyway is an attempt: scored, never taken
    for a skip."""
    _scored_as_answers(d, rate, lambda said: said.unsure)


def polite_close(d: Dialogue, rate: Rate) -> None:
    """At the wrap-up, a candidate who says they are done ("Thank you, this was helpful.") is thanked and the
    interview ends: it is not answered as if it were a question."""
    for ex in d.exchanges:
        if ex.said.kind == "wrap-up" and ex.said.text.strip() and "?" not in ex.said.text and ex.replies:
            rate.add(ex.replies[-1].kind == "close", f"{ex.said.text!r} -> {ex.replies[-1].kind}")


def reaches_wrap_up(d: Dialogue, rate: Rate) -> None:
    wrapped = any(t.kind == "wrap-up" for t in d.session.turns)
    rate.add(d.error is None and d.finished and wrapped, f"{d.persona} {d.session.id}: {d.error or 'stuck'}")


def report_agrees(bank: Bank, d: Dialogue, rate: Rate) -> None:
    """Every item's score in the report is the score of the last answer the interviewer kept for it, and the overall
    is the mean over the items answered: a skipped question as 0, the scenario once (the mean of its stages)."""
    report = build_report(bank, d.session)
    entries = report["questions"] + ((report["scenario"] or {}).get("stages") or [])
    kept: dict[str, float | None] = {}
    for ex in d.exchanges:
        if ex.said.kind == "answer" and not ex.dropped and ex.turn.question_id and ex.turn.score is not None:
            kept[ex.turn.question_id] = ex.turn.score.score
    bad = [e["id"] for e in entries if not _same(e["score"], kept.get(e["id"]))]

    def counted(es: list[dict]) -> list[float]:  # answered items; a skipped or unscorable one is a 0
        return [e["score"] or 0.0 for e in es if e["score"] is not None or e["unscored_reason"]]

    stages = counted((report["scenario"] or {}).get("stages") or [])
    scores = counted(report["questions"]) + ([sum(stages) / len(stages)] if stages else [])  # the scenario: once
    overall = round(sum(scores) / len(scores), 1) if scores else None
    ok = not bad and _same(report["overall"], overall) and report["complete"] == d.finished
    rate.add(ok, f"{d.session.id}: items {bad}, overall {report['overall']} vs {overall}")


def _same(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and abs(a - b) < 0.051)


def flag_truth(flags: set[str], item_flags: list) -> set[str]:
    """Ground-truth flags that can be judged: committed ones, and only flags that have words to commit."""
    judgeable = {f.id for f in item_flags if committable(f)} | {"prompt-injection"}
    return flags & judgeable
