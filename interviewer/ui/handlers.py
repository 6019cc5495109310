"""Callbacks of the interview page: widget values in, service calls, widget values out. No interview logic here."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from typing import Any

from interviewer.interview.models import Plan, Session, TurnResult
from interviewer.interview.store import SessionNotFound, TurnConflict
from interviewer.interview.store_postgres import StoreUnavailable
from interviewer.scoring.models import Speech
from interviewer.service import Service
from interviewer.ui import views

log = logging.getLogger(__name__)
STREAM_WORDS = 3  # words per streamed chunk
STREAM_DELAY_S = 0.02
VOICE_GAP_S = 0.3  # after a spoken sentence's own length, before the next part replaces it: playback starts late
SESSION_ID = re.compile(r"[0-9a-f]{6,32}")
MOVED_ON = (
    "This interview moved on in another tab or window, so this answer was not sent. The chat now shows where it "
    "stands; your answer is back in the box."
)
NO_DATABASE = (
    "The session database cannot be reached right now, so this answer was not recorded. It is back in the box: "
    "send it again in a moment."
)
NO_SESSION = "Start an interview first: choose your settings above and press **Start interview**."


def _skip() -> Any:
    import gradio as gr

    return gr.skip()


def takes_request(*fns: Any) -> None:
    """Gradio passes the web request to a parameter annotated `gr.Request`; these modules import gradio lazily, so
    the annotation is set here, once gradio is loaded (the request tells the service who is signed in)."""
    import gradio as gr

    for fn in fns:
        getattr(fn, "__func__", fn).__annotations__["request"] = gr.Request


class Handlers:
    def __init__(self, service: Service):
        self.service = service
        self._voices: dict[str, object] = {}  # session -> its newest reply being spoken (`voice`)

    # --- start and resume ---------------------------------------------------------------------------------
    def start(
        self,
        tracks: list[str],
        level: str,
        questions: float,
        mode: str,
        scenario: str,
        seed: float,
        request: Any = None,
    ) -> tuple:
        if not tracks:
            return (_skip(), _skip(), _skip(), _skip(), "Choose at least one track.", _skip(), _skip())
        plan = Plan(
            tracks=tracks,  # type: ignore[arg-type]
            level=level,  # type: ignore[arg-type]
            questions=int(questions),
            mode=mode,  # type: ignore[arg-type]
            scenario=scenario or None,
            seed=int(seed or 0),
        )
        try:
            session = self.service.start(plan, self.service.user_of(request))
        except PermissionError:
            return (_skip(), _skip(), _skip(), _skip(), "Sign in to start an interview.", _skip(), _skip())
        log.info("session %s started", session.id)
        panel = views.feedback_html(None) if plan.mode == "practice" else _realistic_panel()
        return (session.id, views.chat_messages(session), views.status_line(session), panel, "",
                _last_said(session), _setup_box(open_=False))  # fmt: skip

    def resume(self, session_id: str, request: Any = None) -> tuple:
        """Restore a tab from `?session=ID` after a reload, or start practising a suggested question
        (`?practise=QUESTION_ID`, from the History tab). Another account's session is "not found", like a
        missing one."""
        user = self.service.user_of(request)
        if (session_id or "").startswith("practise:"):
            return self.practise(session_id.removeprefix("practise:"), user)
        valid = bool(SESSION_ID.fullmatch(session_id or ""))  # the id comes from the URL: never echo it back
        session = self.service.load(session_id, user) if valid else None
        if session is None:
            note = "That saved session was not found; start a new one." if session_id else ""
            return ("", [], "Not started", views.feedback_html(None), note, "", _setup_box(open_=True))
        practice = session.plan.mode == "practice"
        panel = views.last_feedback(session) if practice else _realistic_panel()
        return (session.id, views.chat_messages(session), views.status_line(session), panel,
                "Welcome back: the interview continues where you left it.", "", _setup_box(open_=False))  # fmt: skip

    def practise(self, question_id: str, user: str | None = None) -> tuple:
        """A practice session that opens with the chosen bank question, at its track and level."""
        known = {q.id: q for q in self.service.bank.questions}
        question = known.get(question_id)
        if question is None:  # from the URL: never echoed back
            return ("", [], "Not started", views.feedback_html(None), "That question is not in the bank.", "",
                    _setup_box(open_=True))  # fmt: skip
        plan = Plan(tracks=[question.track], level=question.level, questions=1, mode="practice", first=question.id)
        try:
            session = self.service.start(plan, user)
        except PermissionError:
            return ("", [], "Not started", views.feedback_html(None), "Sign in to start an interview.", "",
                    _setup_box(open_=True))  # fmt: skip
        log.info("session %s started to practise %s", session.id, question.id)
        return (session.id, views.chat_messages(session), views.status_line(session), views.feedback_html(None),
                "Practising the question you chose.", _last_said(session), _setup_box(open_=False))  # fmt: skip

    # --- answering ----------------------------------------------------------------------------------------
    def send(self, session_id: str, text: str, pending: Any, request: Any = None) -> Iterator[tuple]:
        """Outputs: chat, answer box, status, feedback, notice, last_said, pending audio (what the last recording
        said about delivery, until an answer is sent)."""
        if not session_id:
            yield (_skip(), _skip(), _skip(), _skip(), NO_SESSION, _skip(), _skip())
            return
        if not text or not text.strip():
            yield (_skip(), _skip(), _skip(), _skip(), "Type or record an answer first.", _skip(), _skip())
            return
        user = self.service.user_of(request)
        try:
            session = self.service.load(session_id, user)
        except StoreUnavailable as e:  # the answer stays in the box: nothing is lost
            log.error("turn failed in session %s: %s", session_id, e)
            yield (_skip(), _skip(), _skip(), _skip(), NO_DATABASE, _skip(), _skip())
            return
        if session is None:
            yield (_skip(), _skip(), _skip(), _skip(), NO_SESSION, _skip(), _skip())
            return
        before = views.chat_messages(session)
        typed = {"role": "user", "content": views.as_text(text)}
        yield ([*before, typed, {"role": "assistant", "content": "…"}], "", _skip(), _skip(), "", _skip(), None)
        try:
            session, result = self.service.reply(session_id, text, *_recording(pending), user=user)
        except TurnConflict:  # another tab (maybe on another replica) answered first: show where it stands now
            now = self.service.load(session_id, user) or session
            yield (views.chat_messages(now), text, views.status_line(now), _skip(), MOVED_ON, _skip(), pending)
            return
        except StoreUnavailable as e:  # the session database went away: nothing was recorded
            log.error("turn failed in session %s: %s", session_id, e)
            yield (before, text, _skip(), _skip(), NO_DATABASE, _skip(), pending)
            return
        except Exception as e:  # the message could quote the answer: only its type is logged above DEBUG
            log.error("turn failed in session %s: %s", session_id, type(e).__name__)
            log.debug("turn failure details", exc_info=True)
            yield (before, text, _skip(), _skip(), "Something went wrong; your answer is back in the box. "
                   "Please send it again.", _skip(), pending)  # fmt: skip
            return
        notes = [n for n in (result.notice, views.engine_notice(result.engine)) if n]
        shown = [*before, {"role": "user", "content": views.as_text(result.candidate.text)}]  # as kept: cleaned
        for turn in result.turns:  # stream each interviewer turn a few words at a time
            words = views.as_text(turn.text).split(" ")
            for i in range(STREAM_WORDS, len(words) + STREAM_WORDS, STREAM_WORDS):
                partial = {"role": "assistant", "content": " ".join(words[:i])}
                yield ([*shown, partial], _skip(), _skip(), _skip(), _skip(), _skip(), _skip())
                time.sleep(STREAM_DELAY_S)
            shown.append({"role": "assistant", "content": views.as_text(turn.text)})
        feedback, said = after_turn(session, result)
        yield (shown, _skip(), views.status_line(session), feedback, " ".join(notes), said, None)

    def retry(self, session_id: str, text: str, pending: Any, request: Any = None) -> tuple:
        """Outputs: feedback, notice, answer box."""
        user = self.service.user_of(request)
        session = self.service.load(session_id, user) if session_id else None
        if session is None:
            return (_skip(), NO_SESSION, _skip())
        if session.plan.mode != "practice":
            return (_skip(), "Retries are for practice mode; realistic mode keeps feedback for the report.", _skip())
        if not text or not text.strip():
            return (_skip(), "Type your improved answer in the box, then press **Retry last answer**.", _skip())
        previous = views.last_scored(session)
        try:
            result = self.service.retry(session_id, text, *_recording(pending), user=user)
        except SessionNotFound:  # deleted since
            return (_skip(), NO_SESSION, _skip())
        if result is None or result.score is None:
            return (_skip(), "Answer a question first; then you can retry it.", _skip())
        before = previous.score if previous else None
        note = "Retry scored. The interview has not moved on: send your next answer when ready."
        return (views.feedback_html(result.score, before, title="Feedback on your retry", latest=result.candidate.text),
                " ".join(x for x in (result.notice, note) if x), "")  # fmt: skip

    # --- voice --------------------------------------------------------------------------------------------
    def transcribe(self, path: str | None, session_id: str = "", request: Any = None) -> tuple:
        """Outputs: answer box, pending recording (its length, talk time and pauses), notice. The transcript stays
        editable before sending."""
        if not path:
            return (_skip(), None, "")
        from interviewer.voice import AudioError

        valid = bool(SESSION_ID.fullmatch(session_id or ""))  # the recogniser is told the question being answered
        try:
            transcript = self.service.transcribe(path, session_id if valid else None, self.service.user_of(request))
        except AudioError as e:
            return (_skip(), None, str(e))
        note = f"Transcribed by {transcript.engine} ({transcript.seconds:.0f} s). Check the text, then press Send."
        if transcript.notice:
            note = f"{transcript.notice} {note}"
        pending = transcript.speech.model_dump() if transcript.speech else transcript.seconds
        return (transcript.text, pending, note)

    def voice(self, text: str, session_id: str = "") -> Iterator[Any]:
        """Server-side speech for the interviewer's words, when configured (the page's own voice otherwise): the
        first sentence plays while the rest is synthesised, and the rest follows when it ends. A newer reply, or the
        candidate talking over it (`hush`), stops the rest."""
        import gradio as gr

        from interviewer.voice import VoiceError, load_wav, spoken_parts, synthesize

        token = object()
        self._voices[session_id] = token
        ends = 0.0
        for part in spoken_parts(text or ""):
            try:
                path = synthesize(part, self.service.settings, self.service.settings.data_dir / "voice")
            except VoiceError as e:
                gr.Warning(f"Interviewer voice unavailable: {e}")
                return
            if path is None:  # the browser speaks
                yield None
                return
            time.sleep(max(0.0, ends - time.monotonic()))
            if self._voices.get(session_id) is not token:
                return
            yield str(path)
            ends = time.monotonic() + load_wav(path).seconds + VOICE_GAP_S

    def hush(self, session_id: str = "") -> None:
        """The candidate talks over the interviewer: the rest of its reply is not played."""
        self._voices.pop(session_id, None)

    # --- report -------------------------------------------------------------------------------------------
    def report(self, session_id: str, request: Any = None) -> tuple:
        """Outputs: charts html, report markdown, md file, html file."""
        from interviewer.interview.charts import competency_chart, coverage_chart, stage_chart
        from interviewer.interview.report import to_markdown

        session = self.service.load(session_id, self.service.user_of(request)) if session_id else None
        if session is None or not session.state.scores:
            msg = "The report appears here once you have answered a question."
            return ("", msg, None, None)
        report = self.service.report(session)
        if session.plan.mode == "realistic" and session.state.phase != "done":
            return ("", "Realistic mode: the report opens when the interview ends.", None, None)
        charts = "".join(c for c in (competency_chart(report), coverage_chart(report), stage_chart(report)) if c)
        md, page = self.service.report_files(session, report)
        return (f"<div class=charts>{charts}</div>", to_markdown(report), str(md), str(page))


def after_turn(session: Session, result: TurnResult) -> tuple[str, str]:
    """The feedback panel after a turn, and what the interviewer just said (for the voice)."""
    if session.plan.mode == "practice":  # a turn that scored nothing (a question back, a hint) keeps the last
        if result.score:
            feedback = views.feedback_html(result.score, latest=result.candidate.text)
        else:
            feedback = views.last_feedback(session)
    else:
        feedback = _realistic_panel()
    return feedback, " ".join(t.text for t in result.turns)


def _recording(pending: Any) -> tuple[float | None, Speech | None]:
    """(audio seconds, speech) from what `transcribe` left pending: the recording's figures, or just its length."""
    if isinstance(pending, dict):
        try:
            speech = Speech.model_validate(pending)
        except ValueError:
            return None, None
        return speech.seconds, speech
    return (float(pending), None) if isinstance(pending, int | float) and pending > 0 else (None, None)


def _last_said(session: Session) -> str:
    """The interviewer's latest words, for the voice: everything said since the candidate last spoke."""
    said: list[str] = []
    for t in reversed(session.turns):
        if t.role == "candidate":
            break
        said.insert(0, t.text)
    return " ".join(said)


def _setup_box(open_: bool) -> Any:
    """The setup panel folds away once an interview runs, leaving room for the chat."""
    import gradio as gr

    return gr.Accordion(open=open_)


def _realistic_panel() -> str:
    return (
        "<div class=feedback><h3>Realistic mode</h3><p class=muted>As in a real interview, scores and feedback "
        "wait for the end. They will be in the Report tab.</p></div>"
    )
