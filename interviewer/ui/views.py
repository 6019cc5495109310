"""Session and score to widget values. Pure functions: escaping happens here, once, for every piece of text."""

from __future__ import annotations

import html

from interviewer.bank.models import is_stage_key
from interviewer.interview.models import Session
from interviewer.scoring.feedback import for_turn
from interviewer.scoring.models import AnswerScore, Engine, KeyPointResult, RedFlagResult


def as_text(text: str) -> str:
    """Chat text shown exactly as typed. The chat renders no Markdown, but it does render (sanitised) HTML, so
    escaping is what keeps `<img onerror=...>` or `<b>` from becoming markup."""
    return html.escape(text, quote=False)


def chat_messages(session: Session) -> list[dict[str, str]]:
    """The transcript in Gradio's messages format. Retries are feedback, not conversation: they stay out."""
    out: list[dict[str, str]] = []
    for t in session.turns:
        if t.kind == "retry":
            continue
        out.append({"role": "user" if t.role == "candidate" else "assistant", "content": as_text(t.text)})
    return out


def engine_notice(engine: Engine) -> str | None:
    """A visible line when a configured model was asked but the offline engine decided the turn, and why."""
    reason = html.escape(engine.reason or "no reason given")
    if engine.fallback == "failed":
        return f"The model endpoint failed ({reason}), so the offline engine decided this turn."
    if engine.fallback == "refused":
        return f"The model's reply was not used ({reason}), so the offline engine decided this turn."
    return None


def badge(engine: str, stt: str, tts: str) -> str:
    kind = "offline" if engine == "offline" else "llm"
    return (
        f'<div class="badges"><span class="badge {kind}" title="Who runs the interview">Engine: '
        f"{html.escape(engine)}</span><span class=badge>Speech to text: {html.escape(stt)}</span>"
        f"<span class=badge>Voice: {html.escape(tts)}</span></div>"
    )


def _li(items: list[str]) -> str:
    return "".join(f"<li>{i}</li>" for i in items) or "<li class=muted>none</li>"


def _quote(evidence: str | None) -> str:
    return f" <q>{html.escape(evidence)}</q>" if evidence else ""


def _point(item: KeyPointResult | RedFlagResult) -> str:
    verdict = " (partial)" if isinstance(item, KeyPointResult) and item.verdict == "partial" else ""
    return f"{html.escape(item.text)}{verdict}{_quote(item.evidence)}"


def feedback_html(
    score: AnswerScore | None, previous: float | None = None, title: str = "Feedback", latest: str | None = None
) -> str:
    """The practice-mode panel: score and band, key points hit and missed with quotes, red flags, one improvement.
    `latest`: the answer just given; a red flag quoted from an earlier answer to the same item is named, not quoted
    again (`feedback.for_turn`)."""
    if not score:
        note = "Answer a question to see your score, key points hit and missed, and one thing to improve."
        return f"<div class=feedback><h3>{html.escape(title)}</h3><p class=muted>{note}</p></div>"
    if score.score is None:
        reason = html.escape(str(score.unscored_reason or "unscored"))
        return (
            f"<div class=feedback><h3>{html.escape(title)}</h3><p class='score unscored'>Not scored: {reason}</p>"
            "<p>Give a fuller answer to the question and it will be scored.</p></div>"
        )
    change = ""
    if previous is not None:
        delta = score.score - previous
        change = f" <span class=delta>(was {previous:.1f}, {'+' if delta >= 0 else ''}{delta:.1f})</span>"
    score, earlier = for_turn(score, latest) if latest is not None else (score, [])
    flags = [_point(f) for f in score.red_flags]
    flags += [f"{html.escape(f.text)} <span class=muted>(in an earlier answer)</span>" for f in earlier]
    hit = [k for k in score.key_points if k.verdict != "missing"]
    missed = [k for k in score.key_points if k.verdict == "missing"]
    tips = score.feedback.improvements[:1]
    d = score.delivery
    wpm = f", {d.words_per_minute:.0f} words/min" if d.words_per_minute else ""
    if d.talk_seconds is not None:  # a spoken answer: what the recording itself says
        pauses = f"{d.long_pauses} long pause{'' if d.long_pauses == 1 else 's'}"
        longest = f" (longest {d.longest_pause_s:.1f} s)" if d.long_pauses else ""
        wpm += f", talking for {d.talk_seconds:.0f} s, {pauses}{longest}"
    band = html.escape(score.band or "")
    return (
        f"<div class=feedback><h3>{html.escape(title)}</h3>"
        f"<p class='score band-{band}'>{score.score:.1f}/10 <span class=band>{band}</span>{change}</p>"
        f"<h4>Key points hit</h4><ul>{_li([_point(k) for k in hit])}</ul>"
        f"<h4>Key points missed</h4><ul>{_li([html.escape(k.text) for k in missed])}</ul>"
        f"<h4>Red flags</h4><ul>{_li(flags)}</ul>"
        f"<h4>One thing to improve</h4><p>{html.escape(tips[0]) if tips else 'Nothing major: keep it up.'}</p>"
        f"<p class=muted>Delivery: {d.words} words, {d.filler_words} fillers "
        f"({d.filler_rate:.1f} per 100 words){wpm}. Engine: {html.escape(score.engine.label)}</p></div>"
    )


def last_scored(session: Session) -> AnswerScore | None:
    """The newest scored candidate turn's score, retries included."""
    for t in reversed(session.turns):
        if t.role == "candidate" and t.score is not None and t.kind in ("answer", "retry"):
            return t.score
    return None


def last_feedback(session: Session) -> str:
    """The practice panel for the newest scored candidate turn, retries included."""
    for t in reversed(session.turns):
        if t.role == "candidate" and t.score is not None and t.kind in ("answer", "retry"):
            return feedback_html(t.score, latest=t.text)
    return feedback_html(None)


def status_line(session: Session) -> str:
    state, plan = session.state, session.plan
    done = len([q for q in state.asked if not is_stage_key(q)])
    where = {
        "questions": f"Question {done} of {plan.questions}",
        "scenario": f"Scenario {plan.scenario}, stage {state.stage_index + 1}",
        "wrap-up": "Wrap-up: your questions for the interviewer",
        "done": "Interview complete: see the Report tab",
    }[state.phase]
    return f"Session {session.id} · {plan.mode} mode · {where}"
