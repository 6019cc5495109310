"""Strengths and improvements, each tied to something the scorer found: a key point, a red flag, a figure."""

from __future__ import annotations

from interviewer.scoring.models import AnswerScore, Feedback, KeyPointResult, RedFlagResult, Specificity, Star


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def _sentence(text: str) -> str:
    """A rubric line followed by more words: a derived point ("...even if the block raises") has no full stop."""
    text = _lower_first(text.strip())
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _add(kp: KeyPointResult) -> str:
    return f"Add this point: {_lower_first(kp.text)}"


def feedback(
    key_points: list[KeyPointResult],
    red_flags: list[RedFlagResult],
    star: Star | None,
    spec: Specificity,
    filler_rate: float,
    listed: bool = False,
) -> Feedback:
    strengths: list[str] = []
    improvements: list[str] = []
    for kp in key_points:
        if kp.verdict == "covered" and kp.contradiction is None and len(strengths) < 2:
            strengths.append(f"Covered: {_lower_first(kp.text)}")
    if spec.numbers and len(strengths) < 3:
        strengths.append(f"Backed the answer with concrete figures ({', '.join(spec.numbers[:3])}).")
    elif spec.technologies and len(strengths) < 3:
        strengths.append(f"Named the tools involved ({', '.join(spec.technologies[:3])}).")
    if star and star.parts == 4 and len(strengths) < 3:
        strengths.append("Told it as a complete story: situation, task, action and result.")

    if listed:
        improvements.append("Say what each of those terms does here and why: a list of names states nothing.")
    for kp in key_points:  # the worst feedback is praise for a point the answer got backwards
        if kp.contradiction and len(improvements) < 2:
            improvements.append(f'Get this right: {_sentence(kp.text)} You said the opposite: "{kp.contradiction}"')
    for rf in [f for f in red_flags if f.kind != "contradiction"][:2]:
        if len(improvements) >= 3:
            break
        if rf.id == "prompt-injection":
            improvements.append(
                "Answer the question itself; instructions aimed at the grader are ignored and count against you."
            )
        else:
            improvements.append(f'Avoid this: {_sentence(rf.text)} You said: "{rf.evidence}"')
    for kp in sorted(key_points, key=lambda k: k.verdict != "missing"):
        if len(improvements) >= 3:
            break
        if kp.verdict == "missing" and kp.contradiction is None and kp.unclear:
            point = _lower_first(kp.text).rstrip(".")
            improvements.append(f'Say this plainly: {point}. It isn\'t clear that "{kp.unclear}" says it.')
        elif kp.verdict == "missing" and kp.contradiction is None and kp.close:
            point = _lower_first(kp.text).rstrip(".")
            improvements.append(f'Make this point in so many words: {point}. "{kp.close}" may mean it.')
        elif kp.verdict == "missing" and kp.contradiction is None:
            improvements.append(_add(kp))
        elif kp.verdict == "partial":
            improvements.append(f"Make this point explicit and concrete: {_lower_first(kp.text)}")
    if len(improvements) < 3 and star is not None and star.result is None:
        improvements.append("End with the result: what changed, ideally with a number, and what you learned.")
    if len(improvements) < 3 and filler_rate > 6:
        improvements.append(f"Cut the filler words ({filler_rate:.0f} per 100 words); pause instead.")
    return Feedback(strengths=strengths[:3], improvements=improvements[:3])


def for_turn(score: AnswerScore, latest: str) -> tuple[AnswerScore, list[RedFlagResult]]:
    """The feedback on one turn, and the red flags and contradictions it leaves out. An item is scored on all its
    answers together (a follow-up's answer with the first, every answer of a scenario stage), so a mistake quoted
    from an earlier answer was shown with that answer: it still counts, but the turn's feedback names it without
    quoting it again, and its tip is about something else. Returns (the turn's view, the earlier mistakes)."""
    earlier = [f for f in score.red_flags if f.evidence and f.evidence not in latest]
    if not earlier:
        return score, []
    quotes = [f'"{f.evidence}"' for f in earlier]
    tips = [t for t in score.feedback.improvements if not any(q in t for q in quotes)]
    if not tips:
        told = {f.id for f in earlier if f.kind == "contradiction"}
        tips = [_add(k) for k in score.key_points if k.verdict == "missing" and k.id not in told][:1]
    view = score.model_copy(
        update={
            "red_flags": [f for f in score.red_flags if f not in earlier],
            "feedback": score.feedback.model_copy(update={"improvements": tips}),
        }
    )
    return view, earlier
