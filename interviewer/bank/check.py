"""Checks across entries that a single model cannot make: unique ids, references, unfinished drafts."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from interviewer.bank.loader import BankIssue, RawBank
from interviewer.bank.models import (
    MIN_FLAG_PHRASINGS,
    MIN_MISCONCEPTIONS,
    MIN_PHRASINGS,
    Clarification,
    KeyPoint,
    Question,
    RedFlag,
    Scenario,
)


def _duplicates(ids: Iterable[str]) -> list[str]:
    return sorted(i for i, n in Counter(ids).items() if n > 1)


def contrast_problems(points: Iterable[KeyPoint], flags: Iterable[RedFlag], where: str = "") -> list[str]:
    """The contrastive rubric: each point said right and said wrong, each red flag in several wordings."""
    problems = []
    for k in points:
        if k.derived:
            continue
        if len(k.phrasings) < MIN_PHRASINGS:
            problems.append(f"{where}key point {k.id!r} needs at least {MIN_PHRASINGS} phrasings ({len(k.phrasings)})")
        if len(k.misconceptions) < MIN_MISCONCEPTIONS:
            n = len(k.misconceptions)
            problems.append(f"{where}key point {k.id!r} needs at least {MIN_MISCONCEPTIONS} misconceptions ({n})")
    for r in flags:
        if len(r.phrasings) < MIN_FLAG_PHRASINGS:
            problems.append(
                f"{where}red flag {r.id!r} needs at least {MIN_FLAG_PHRASINGS} phrasings ({len(r.phrasings)})"
            )
    return problems


GIVEAWAY_WORDS = 4  # a clarification sharing this many words in a row with a key point or a fact gives it away


def _runs(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i : i + GIVEAWAY_WORDS]) for i in range(len(words) - GIVEAWAY_WORDS + 1)}


def giveaways(clarifications: Iterable[Clarification], secrets: dict[str, str], what: str) -> list[str]:
    """A clarification that says part of what the candidate should come up with (a key point) or earn (a
    scenario's fact) in the same words."""
    problems = []
    for c in clarifications:
        said = _runs(c.answer)
        problems += [
            f"clarification {c.asks[0]!r} gives away {what} {sid!r}"
            for sid, text in secrets.items()
            if said & _runs(text)
        ]
    return problems


def _check_question(q: Question, competencies: set[str]) -> list[str]:
    problems = contrast_problems(q.key_points, q.red_flags)
    problems += giveaways(q.clarifications, {k.id: " ".join([k.text, *k.phrasings]) for k in q.key_points}, "key point")
    if competencies and q.competency not in competencies:
        problems.append(f"competency {q.competency!r} is not in competencies.yaml")
    local = [k.id for k in q.key_points] + [r.id for r in q.red_flags]
    problems += [f"key point / red flag id {d!r} is used twice" for d in _duplicates(local)]
    points = {k.id for k in q.key_points}
    for f in q.follow_ups:
        problems += [f"follow-up {f.text!r} targets unknown id {t!r}" for t in f.targets if t not in local]
        problems += [
            f"follow-up {f.text!r} presupposes {t!r}, which is not one of its key points"
            for t in f.presupposes
            if t not in points
        ]
    return problems


def _check_scenario(s: Scenario, competencies: set[str]) -> list[str]:
    problems = []
    if competencies and s.competency not in competencies:
        problems.append(f"competency {s.competency!r} is not in competencies.yaml")
    problems += [f"stage id {d!r} is used twice" for d in _duplicates(st.id for st in s.stages)]
    problems += [f"red flag id {d!r} is used twice" for d in _duplicates(r.id for r in s.red_flags)]
    problems += contrast_problems([], s.red_flags)
    facts = {f.id: f.text for st in s.stages for f in st.facts}
    problems += giveaways(s.clarifications, facts, "the fact")
    for n, st in enumerate(s.stages):
        earlier = {f.id for prev in s.stages[:n] for f in prev.facts}
        before = {a.id for a in s.stages[n - 1].expected_actions} if n else set()
        problems += [
            f"stage {st.id}: earned by unknown fact or action {e!r}" for e in st.earned_by if e not in earlier | before
        ]
        if bool(st.earned_by) != bool(st.given):
            problems.append(f"stage {st.id}: earned_by and given go together")
        problems += contrast_problems(st.expected_actions, st.red_flags, f"stage {st.id}: ")
        actions = [a.id for a in st.expected_actions]
        problems += [f"stage {st.id}: action id {d!r} is used twice" for d in _duplicates(actions)]
        for fact in st.facts:
            problems += [
                f"stage {st.id}: fact {fact.id!r} is earned by unknown action {a!r}"
                for a in fact.earned_by
                if a not in actions
            ]
        probed = {p.action for p in st.probes}
        problems += [f"stage {st.id}: probe for unknown action {a!r}" for a in sorted(probed - set(actions))]
        problems += [f"stage {st.id}: expected action {a!r} has no probe" for a in actions if a not in probed]
    return problems


def cross_check(raw: RawBank) -> list[BankIssue]:
    issues: list[BankIssue] = []
    competencies = set(raw.competencies)
    entries: list[tuple[str, Question | Scenario]] = [*raw.questions, *raw.scenarios]
    for dup in _duplicates(e.id for _, e in entries):
        files = sorted({f for f, e in entries if e.id == dup})
        issues.append(BankIssue(files[0], dup, f"id is used more than once (in {', '.join(files)})"))
    seen_sources: dict[tuple[str, int], str] = {}
    for file, entry in entries:
        problems = (
            _check_question(entry, competencies)
            if isinstance(entry, Question)
            else _check_scenario(entry, competencies)
        )
        key = (entry.source.document, entry.source.position)
        if key in seen_sources:
            problems.append(f"source {key[0]} #{key[1]} is also claimed by {seen_sources[key]!r}")
        seen_sources[key] = entry.id
        issues += [BankIssue(file, entry.id, p) for p in problems]
    return issues


def stats(questions: Iterable[Question], scenarios: Iterable[Scenario]) -> dict[str, object]:
    qs = list(questions)
    return {
        "questions": len(qs),
        "scenarios": len(list(scenarios)),
        "by_track": dict(sorted(Counter(q.track for q in qs).items())),
        "by_level": dict(sorted(Counter(q.level for q in qs).items())),
        "by_competency": dict(sorted(Counter(q.competency for q in qs).items())),
    }
