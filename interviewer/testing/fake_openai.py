"""A real HTTP server speaking the OpenAI API, standing in for a remote endpoint in tests and in the bench.

- `/v1/embeddings`: deterministic bags of hashed words, so similar texts get similar vectors.
- `/v1/chat/completions`: replies with what the test enqueued, in order: a string is the message content (an SSE
  stream when the request asks for one), an int is an HTTP error status, `("raw", text)` is a raw (possibly
  malformed) body. Fault kinds: `(status, {header: value})` is an error with headers (e.g. 429 with Retry-After);
  `("stream", text)` streams even when not asked to; `("truncated-stream", text)` closes the connection halfway,
  with no `[DONE]`; `("slow-stream", text, delay)` waits `delay` seconds before each chunk; `("hang", seconds)`
  reads the request and never answers (the connection closes after `seconds` or when the server stops). When the
  queue is empty, `responder(body)` gives the reply if there is one; without one it answers 500 rather than
  inventing a reply. `latency_s` is a fixed wait before every chat reply, as a model's own latency.
- `/v1/audio/transcriptions` (multipart): replies from its own queue, `transcripts` (`enqueue_transcript`), with the
  same reply kinds; a string becomes `{"text": ...}`. The request records the form fields and the file's bytes.
- `/v1/audio/speech`: answers `SPEECH_WAV`, a short valid WAV tone.

Every JSON request is recorded in `requests` with its arrival time (`time.monotonic()`, after the body is read)
under "t" and the seconds until its last bytes were written under "handled_s"; a chat request also has the fixed
wait it actually got under "delay_s". `refused_url()` is an endpoint nothing listens on, for refused connections.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from interviewer.testing.openai_wire import (
    DIM,
    SPEECH_WAV,
    STREAM_PIECES,
    bag_vector,
    completion,
    embeddings,
    parse_multipart,
    sse_events,
)

__all__ = ["DIM", "SPEECH_WAV", "STREAM_PIECES", "FakeOpenAI", "Reply", "Responder", "bag_vector",
           "parse_multipart", "refused_url", "sse_events"]  # fmt: skip

Reply = str | int | tuple[str, str] | tuple[str, str, float] | tuple[str, float] | tuple[int, dict[str, str]]
Responder = Callable[[dict[str, Any]], Reply]


def refused_url() -> str:
    """An endpoint on a port nothing listens on: the socket is closed before it is used."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    record: dict[str, Any] | None = None  # the JSON request being answered

    def log_message(self, *args: object) -> None:
        pass

    def _send(
        self, status: int, body: bytes, content_type: str = "application/json", headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self._stamp()
        self.wfile.write(body)

    def _stamp(self) -> None:
        """The request's "handled_s", taken just before its last bytes are written, so it exists (and excludes
        any wait for this thread to run again) by the time the client has the whole reply."""
        if self.record is not None:
            self.record["handled_s"] = time.monotonic() - self.record["t"]

    def do_POST(self) -> None:
        fake = self.server.fake
        raw = self.rfile.read(int(self.headers["Content-Length"]))
        path = self.path.rstrip("/")
        if path == "/v1/audio/transcriptions":
            self._transcribe(parse_multipart(self.headers["Content-Type"], raw))
            return
        body = json.loads(raw)
        record = {"path": self.path, "body": body, "auth": self.headers.get("Authorization"), "t": time.monotonic()}
        fake.requests.append(record)
        self.record = record
        if path == "/v1/embeddings":
            self._send(200, json.dumps(embeddings(body)).encode())
        elif path == "/v1/chat/completions":
            self._chat(body, record)
        elif path == "/v1/audio/speech":
            self._send(200, SPEECH_WAV, content_type="audio/wav")
        else:
            self._send(404, b'{"error": {"message": "not found"}}')
        record.setdefault("handled_s", time.monotonic() - record["t"])  # a hang never wrote a reply

    def _chat(self, body: dict[str, Any], record: dict[str, Any]) -> None:
        fake = self.server.fake
        began = time.monotonic()
        if fake.latency_s:
            fake.stopping.wait(fake.latency_s)
        record["delay_s"] = time.monotonic() - began
        reply, model = fake.next_reply(body), body.get("model", "test")
        if reply is None:
            self._send(500, b'{"error": {"message": "no scripted reply left"}}')
            return
        if isinstance(reply, int):
            reply = (reply, {})
        if isinstance(reply, str):
            reply = ("stream", reply) if body.get("stream") else ("json", reply)
        kind, arg = reply[0], reply[1]
        if isinstance(kind, int) and isinstance(arg, dict):
            self._send(kind, json.dumps({"error": {"message": f"scripted {kind}"}}).encode(), headers=arg)
        elif kind == "json" and isinstance(arg, str):
            self._send(200, json.dumps(completion(arg, model)).encode())
        elif kind == "raw" and isinstance(arg, str):
            self._send(200, arg.encode())
        elif kind == "hang" and isinstance(arg, float | int):
            fake.stopping.wait(arg)  # then the handler returns and the connection closes, unanswered
        elif kind in ("stream", "truncated-stream", "slow-stream") and isinstance(arg, str):
            events = sse_events(arg, model)
            if kind == "truncated-stream":
                events = events[: len(events) // 2]
            delay = float(reply[2]) if len(reply) > 2 else 0.0
            self._stream(events, delay, complete=kind != "truncated-stream")
        else:
            raise ValueError(f"unknown scripted reply {reply!r}")

    def _stream(self, events: list[bytes], delay: float, complete: bool) -> None:
        """Server-sent events, chunked; an incomplete stream ends without the final empty chunk."""
        self.protocol_version = "HTTP/1.1"  # chunked framing, so a cut is visible to the client
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            for event in events:
                if delay and self.server.fake.stopping.wait(delay):
                    return
                self._stamp()
                self.wfile.write(f"{len(event):x}\r\n".encode() + event + b"\r\n")
                self.wfile.flush()
            if complete:
                self._stamp()
                self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up: that is what a slow stream is for
        self.close_connection = True

    def _transcribe(self, fields: dict[str, str | bytes]) -> None:
        fake = self.server.fake
        fake.requests.append({"path": self.path, "body": fields, "auth": self.headers.get("Authorization")})
        if not fake.transcripts:
            self._send(500, b'{"error": {"message": "no scripted transcript left"}}')
            return
        reply = fake.transcripts.popleft()
        if isinstance(reply, int):
            self._send(reply, json.dumps({"error": {"message": f"scripted {reply}"}}).encode())
        elif isinstance(reply, tuple):
            self._send(200, str(reply[1]).encode())
        else:
            self._send(200, json.dumps({"text": reply}).encode())


class _Server(ThreadingHTTPServer):
    fake: FakeOpenAI


class FakeOpenAI:
    def __init__(self, latency_s: float = 0.0, responder: Responder | None = None) -> None:
        self.latency_s, self.responder = latency_s, responder
        self.requests: list[dict[str, Any]] = []
        self.replies: deque[Reply] = deque()
        self.transcripts: deque[Reply] = deque()
        self.stopping = threading.Event()  # wakes hanging and slow replies when the server stops
        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        self.httpd.fake = self
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)  # quick to stop

    def enqueue(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def enqueue_transcript(self, *replies: Reply) -> None:
        self.transcripts.extend(replies)

    def next_reply(self, body: dict[str, Any]) -> Reply | None:
        """The next scripted chat reply, else the responder's, else None (answered as a 500)."""
        try:
            return self.replies.popleft()
        except IndexError:
            return self.responder(body) if self.responder else None

    def audio_requests(self, kind: str) -> list[dict[str, Any]]:
        """Requests to `/v1/audio/<kind>`, kind being "transcriptions" or "speech"."""
        return [r for r in self.requests if r["path"].rstrip("/") == f"/v1/audio/{kind}"]

    def chat_requests(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["path"].rstrip("/") == "/v1/chat/completions"]

    def __enter__(self) -> FakeOpenAI:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
