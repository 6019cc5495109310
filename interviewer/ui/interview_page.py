"""The web app: a live mock interview (typed or spoken), practice feedback, the report, history and the bank.

Layout and wiring only. Callbacks live in `handlers.py`, rendering in `views.py`, decisions in the service.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING

from interviewer.bank.models import LEVELS, TRACKS
from interviewer.service import Service
from interviewer.ui import history_tab, search_page, views
from interviewer.ui.conversation import CHUNK_S, Conversation
from interviewer.ui.handlers import Handlers, takes_request

if TYPE_CHECKING:
    import gradio as gr

CSS = """
footer {display: none !important}
.badges {display: flex; gap: .5rem; flex-wrap: wrap; margin: .2rem 0 .6rem}
.badge {border: 1px solid var(--border-color-primary); border-radius: 999px; padding: .15rem .7rem; font-size: .85rem}
.badge.offline {background: #e8f5e9; color: #1b5e20; font-weight: 600}
.badge.llm {background: #e3f2fd; color: #0d47a1; font-weight: 600}
.feedback h3 {margin: 0 0 .3rem} .feedback h4 {margin: .6rem 0 .2rem; font-size: .95rem}
.feedback ul {margin: 0 0 0 1.1rem; padding: 0} .feedback q {font-style: italic; color: var(--body-text-color-subdued)}
.feedback .score {font-size: 1.6rem; font-weight: 700; margin: .2rem 0}
.band-strong {color: #2e7d32} .band-adequate {color: #9a7b00} .band-weak {color: #e65100} .band-poor {color: #c62828}
.feedback .band {font-size: .95rem; font-weight: 600; text-transform: uppercase; margin-left: .3rem}
.feedback .delta {font-size: .95rem; font-weight: 500} .muted {color: var(--body-text-color-subdued)}
#chat button[aria-label="Clear"] {display: none}
.notice {min-height: 1.5rem} .charts svg {max-width: 100%; height: auto; margin-bottom: .8rem}
"""

# The answer box takes the focus only when there is an interview to answer: on a page that opens without one, this
# runs once the page's load events end, and on a slow machine that is while the candidate is filling in the setup
# (their typing then landed in the answer box).
SET_URL_JS = """(sid) => {
  const url = new URL(window.location.href);
  if (sid) { url.searchParams.set('session', sid); } else { url.searchParams.delete('session'); }
  window.history.replaceState(null, '', url);
  if (sid) { document.querySelector('#answer textarea')?.focus(); }
  return [];
}"""
SPEAK_JS = """(on, text) => {
  if (on && text && window.speechSynthesis) {
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
  }
  return [];
}"""
HUSH_JS = """(sid) => {
  window.speechSynthesis?.cancel();
  document.querySelectorAll('audio').forEach((a) => a.pause());
  return [sid];
}"""
SESSION_FROM_URL_JS = """() => {
  const p = new URLSearchParams(window.location.search);
  return p.get('session') || (p.get('practise') ? 'practise:' + p.get('practise') : '');
}"""


class Widgets(SimpleNamespace):
    """The page's components by name, so wiring reads like the layout."""


def _setup(w: Widgets, service: Service) -> None:
    import gradio as gr

    scenarios = [("none", ""), *[(s.title, s.id) for s in service.bank.scenarios]]
    with gr.Accordion("Set up your interview", open=True) as w.setup_box:
        with gr.Row():
            w.tracks = gr.Dropdown(list(TRACKS), value=["python-developer"], multiselect=True, label="Tracks")
            w.level = gr.Radio(list(LEVELS), value="intermediate", label="Level", elem_id="level")
        with gr.Row():
            w.questions = gr.Slider(
                0, 8, value=3, step=1, label="Main questions", elem_id="questions", info="0 runs only the scenario"
            )
            w.mode = gr.Radio(
                ["practice", "realistic"], value="practice", label="Mode", elem_id="mode",
                info="practice: feedback after each answer; realistic: only at the end",
            )  # fmt: skip
            w.scenario = gr.Dropdown(scenarios, value="", label="Scenario after the questions", elem_id="scenario")
            w.seed = gr.Number(0, precision=0, label="Seed", minimum=0, info="same seed, same interview")
        with gr.Row():
            w.speak = gr.Checkbox(True, label="Read the interviewer's turns aloud", elem_id="speak")
            w.start = gr.Button("Start interview", variant="primary", elem_id="start")


def _interview(w: Widgets, service: Service) -> None:
    import gradio as gr

    tts = service.settings.voice.tts
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            _setup(w, service)
            w.status = gr.Markdown("Not started", elem_id="status")
            w.chat = gr.Chatbot(
                label="Interview", height="50vh", buttons=["copy"], render_markdown=False, elem_id="chat"
            )
            w.answer = gr.Textbox(
                label="Your answer", lines=1, max_lines=10, elem_id="answer",
                placeholder="Type your answer; Enter sends, Shift+Enter starts a new line",
            )  # fmt: skip
            with gr.Row():
                w.send = gr.Button("Send", variant="primary", elem_id="send")
                w.retry = gr.Button("Retry last answer", elem_id="retry")
            w.notice = gr.Markdown("", elem_classes=["notice"], elem_id="notice")
            w.mic = gr.Audio(
                sources=["microphone", "upload"], type="filepath", format="wav", elem_id="mic",
                label="Or speak your answer (it is transcribed into the box above, for you to check)",
            )  # fmt: skip
            with gr.Accordion("Hands-free conversation (beta)", open=False, elem_id="conversation"):
                gr.Markdown(
                    "Press record once and just talk: the interviewer hears when you have finished, answers aloud "
                    "and listens again, to the end of the interview. Pausing after *and* or *um* does not end "
                    "your turn; say *let me think* if you need a moment. Use headphones if the interviewer's "
                    "voice comes back through your microphone. If the browser blocks the microphone, type your "
                    "answers in the box above as usual."
                )
                w.live = gr.Audio(
                    sources=["microphone"], streaming=True, type="numpy", elem_id="live-mic",
                    label="Conversation microphone",
                )  # fmt: skip
                w.live_status = gr.Markdown("", elem_id="live-status")
            w.live_said = gr.Textbox(visible=False)
            w.live_stop = gr.Textbox(visible=False)
            w.last_said = gr.Textbox(visible=False)
            w.voice_out = gr.Audio(autoplay=True, visible=tts != "browser", label="Interviewer voice")
        with gr.Column(scale=2):
            w.feedback = gr.HTML(views.feedback_html(None), elem_id="feedback")


def _report(w: Widgets) -> None:
    import gradio as gr

    w.refresh = gr.Button("Refresh report")
    w.charts = gr.HTML("", elem_id="report-charts")
    w.report_md = gr.Markdown("The report appears here once you have answered a question.", elem_id="report-md")
    with gr.Row():
        w.md_file = gr.DownloadButton("Download Markdown", elem_id="download-md")
        w.html_file = gr.DownloadButton("Download HTML", elem_id="download-html")


def build_app(service: Service) -> gr.Blocks:
    import gradio as gr

    w = Widgets()
    tts = service.settings.voice.tts
    # Uploaded and recorded answers are copies of someone's voice: cleared hourly and at every restart.
    with gr.Blocks(title="Mock interviewer", delete_cache=(3600, 3600)) as page:
        gr.Markdown("# Mock interviewer for Python roles")
        gr.HTML(views.badge(service.engine, service.stt_engine, "browser speech" if tts == "browser" else tts))
        who = gr.Markdown("", elem_id="signed-in")
        w.sid = gr.Textbox("", visible=False)  # a component, not gr.State: the page script reads it for the URL
        w.pending_audio = gr.State(None)
        with gr.Tabs():
            with gr.Tab("Interview", id="interview"):
                _interview(w, service)
            with gr.Tab("Report", id="report"):
                _report(w)
            with gr.Tab("History", id="history") as history:
                history_tab.build(service, history)
            with gr.Tab("Question bank", id="bank"):
                search_page.build_search_tab(service)
        h, conv = Handlers(service), Conversation(service)
        takes_request(h.start, h.resume, h.send, h.retry, h.transcribe, h.report, conv.listen)
        _wire(w, h, tts, page)
        if service.accounts is not None:

            def signed_in(request: gr.Request) -> str:
                name = service.user_of(request)
                out = "" if service.accounts == "header" else " · [Sign out](/logout)"
                return f"Signed in as **{views.as_text(name or 'nobody')}**. Your interviews are yours only.{out}"

            signed_in.__annotations__["request"] = gr.Request  # the class: this module's annotations are strings
            page.load(signed_in, None, [who], api_visibility="private")
        _wire_conversation(w, h, conv, tts)
    return page


def _wire_conversation(w: Widgets, h: Handlers, conv: Conversation, tts: str) -> None:
    """The microphone streams in tenths of a second (`CHUNK_S`) for as long as an interview lasts; each answer is sent
    when the turn-taking policy says it is over, and the reply is read aloud by the same voice as a typed turn's."""
    out = [w.chat, w.status, w.feedback, w.notice, w.live_said, w.live_status, w.answer, w.live_stop]
    w.live.stream(conv.listen, [w.live, w.sid, w.speak], out, stream_every=CHUNK_S, time_limit=3 * 3600,
                  concurrency_limit=None, show_progress="hidden", api_visibility="private")  # fmt: skip
    w.live_stop.change(h.hush, [w.sid], None, js=HUSH_JS, api_visibility="private")  # the candidate barged in
    said = w.live_said.change(None, [w.speak, w.live_said], None, js=SPEAK_JS)
    said.then(h.report, [w.sid], [w.charts, w.report_md, w.md_file, w.html_file], api_visibility="private")
    if tts != "browser":
        said.then(h.voice, [w.live_said, w.sid], [w.voice_out], api_visibility="private")


def _wire(w: Widgets, h: Handlers, tts: str, page: gr.Blocks) -> None:
    import gradio as gr

    session_out = [w.sid, w.chat, w.status, w.feedback, w.notice, w.last_said, w.setup_box]
    report_out = [w.charts, w.report_md, w.md_file, w.html_file]
    setup = [w.tracks, w.level, w.questions, w.mode, w.scenario, w.seed]
    # first: the private events below that also call h.report would otherwise take the name (report_1, ...)
    w.refresh.click(h.report, [w.sid], report_out, api_name="report")
    started = w.start.click(h.start, setup, session_out, api_name="start")
    started.then(None, [w.sid], None, js=SET_URL_JS).then(None, [w.speak, w.last_said], None, js=SPEAK_JS)
    send_out = [w.chat, w.answer, w.status, w.feedback, w.notice, w.last_said, w.pending_audio]
    for event, api in ((w.send.click, "send"), (w.answer.submit, None)):
        sent = event(h.send, [w.sid, w.answer, w.pending_audio], send_out, concurrency_limit=None, api_name=api,
                     api_visibility="public" if api else "private")  # fmt: skip
        sent = sent.then(None, [w.speak, w.last_said], None, js=SPEAK_JS).then(
            h.report, [w.sid], report_out, api_visibility="private"
        )
        if tts != "browser":
            sent.then(h.voice, [w.last_said, w.sid], [w.voice_out], api_visibility="private")
    w.retry.click(h.retry, [w.sid, w.answer, w.pending_audio], [w.feedback, w.notice, w.answer], api_name="retry")
    heard = [w.answer, w.pending_audio, w.notice]
    w.mic.upload(h.transcribe, [w.mic, w.sid], heard, api_name="transcribe")
    w.mic.stop_recording(h.transcribe, [w.mic, w.sid], heard, api_visibility="private")
    url_sid = gr.Textbox(visible=False)
    loaded = page.load(None, None, [url_sid], js=SESSION_FROM_URL_JS)
    resumed = loaded.then(h.resume, [url_sid], session_out, api_name="resume")
    resumed.then(h.report, [w.sid], report_out, api_visibility="private")
    resumed.then(None, [w.sid], None, js=SET_URL_JS)  # ?practise=ID becomes the new session's address
