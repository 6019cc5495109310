"""A real HTTP server speaking the OpenAI API, standing in for a remote endpoint in tests.

- `/v1/embeddings`: deterministic bags of hashed words, so similar texts get similar vectors.
- `/v1/chat/completions`: replies with what the test enqueued, in order: a string is the message content (an SSE
  stream when the request asks for one), an int is an HTTP error status, `("raw", text)` is a raw (possibly
  malformed) body. Fault kinds: `(status, {header: value})` is an error with headers (e.g. 429 with Retry-After);
  `("stream", text)` streams even when not asked to; `("truncated-stream", text)` closes the connection halfway,
  with no `[DONE]`; `("slow-stream", text, delay)` waits `delay` seconds before each chunk; `("hang", seconds)`
  reads the request and never answers (the connection closes after `seconds` or when the server stops). When the
  queue is empty it answers 500 rather than inventing a reply. Every request is recorded in `requests`, with its
  arrival time (`time.monotonic()`) under "t".
- `/v1/audio/transcriptions` (multipart): replies from its own queue, `transcripts` (`enqueue_transcript`), with the
  same reply kinds; a string becomes `{"text": ...}`. The request records the form fields and the file's bytes.
- `/v1/audio/speech`: answers `SPEECH_WAV`, a short valid WAV tone.

`refused_url()` is an endpoint nothing listens on, for refused connections.
"""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import io
import json
import math
import re
import socket
import threading
import time
import wave
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DIM = 64
Reply = str | int | tuple[str, str] | tuple[str, str, float] | tuple[str, float] | tuple[int, dict[str, str]]
STREAM_PIECES = 6  # chunks a streamed reply is cut into


def bag_vector(text: str) -> list[float]:
    vec = [0.0] * DIM
    for word in re.findall(r"[a-z0-9]+", text.lower()):
        vec[int(hashlib.md5(word.encode()).hexdigest(), 16) % DIM] += 1.0
    norm = math.sqrt(sum(v * v for v in vec)) or 1.0
    return [v / norm for v in vec]


def _tone_wav(seconds: float = 0.25, rate: int = 16000) -> bytes:
    n = int(seconds * rate)
    samples = [int(8000 * math.sin(2 * math.pi * 440 * i / rate)) for i in range(n)]
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"".join(s.to_bytes(2, "little", signed=True) for s in samples))
    return buf.getvalue()


SPEECH_WAV = _tone_wav()


def parse_multipart(content_type: str, body: bytes) -> dict[str, str | bytes]:
    """Form fields as text, file fields as bytes, the way `/audio/transcriptions` receives them."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    fields: dict[str, str | bytes] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes):
            fields[name] = payload if part.get_filename() else payload.decode()
            if part.get_filename():
                fields[f"{name}.filename"] = part.get_filename() or ""
    return fields


def refused_url() -> str:
    """An endpoint on a port nothing listens on: the socket is closed before it is used."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def _completion(content: str, model: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def sse_events(content: str, model: str) -> list[bytes]:
    """`content` as OpenAI streams it: a role chunk, content deltas, a finish chunk, then `[DONE]`."""

    def chunk(delta: dict[str, str], finish: str | None = None) -> bytes:
        body = {"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 0, "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}  # fmt: skip
        return f"data: {json.dumps(body)}\n\n".encode()

    size = max(1, math.ceil(len(content) / STREAM_PIECES))
    pieces = [content[i : i + size] for i in range(0, len(content), size)]
    return [chunk({"role": "assistant", "content": ""}), *(chunk({"content": p}) for p in pieces),
            chunk({}, "stop"), b"data: [DONE]\n\n"]  # fmt: skip


class FakeOpenAI:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.replies: deque[Reply] = deque()
        self.transcripts: deque[Reply] = deque()
        self.stopping = threading.Event()  # wakes hanging and slow replies when the server stops
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _send(
                self,
                status: int,
                body: bytes,
                content_type: str = "application/json",
                headers: dict[str, str] | None = None,
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                if self.path.rstrip("/") == "/v1/audio/transcriptions":
                    self._transcribe(parse_multipart(self.headers["Content-Type"], raw))
                    return
                body = json.loads(raw)
                server.requests.append(
                    {"path": self.path, "body": body, "auth": self.headers.get("Authorization"), "t": time.monotonic()}
                )
                path = self.path.rstrip("/")
                if path == "/v1/embeddings":
                    inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
                    data = [
                        {"object": "embedding", "index": i, "embedding": bag_vector(t)} for i, t in enumerate(inputs)
                    ]
                    out = {"object": "list", "data": data, "model": body["model"], "usage": {}}
                    self._send(200, json.dumps(out).encode())
                elif path == "/v1/chat/completions":
                    self._chat(body)
                elif path == "/v1/audio/speech":
                    self._send(200, SPEECH_WAV, content_type="audio/wav")
                else:
                    self._send(404, b'{"error": {"message": "not found"}}')

            def _chat(self, body: dict[str, Any]) -> None:
                if not server.replies:
                    self._send(500, b'{"error": {"message": "no scripted reply left"}}')
                    return
                reply, model = server.replies.popleft(), body.get("model", "test")
                if isinstance(reply, int):
                    reply = (reply, {})
                if isinstance(reply, str):
                    reply = ("stream", reply) if body.get("stream") else ("json", reply)
                kind, arg = reply[0], reply[1]
                if isinstance(kind, int) and isinstance(arg, dict):
                    self._send(kind, json.dumps({"error": {"message": f"scripted {kind}"}}).encode(), headers=arg)
                elif kind == "json" and isinstance(arg, str):
                    self._send(200, json.dumps(_completion(arg, model)).encode())
                elif kind == "raw" and isinstance(arg, str):
                    self._send(200, arg.encode())
                elif kind == "hang" and isinstance(arg, float | int):
                    server.stopping.wait(arg)  # then the handler returns and the connection closes, unanswered
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
                        if delay and server.stopping.wait(delay):
                            return
                        self.wfile.write(f"{len(event):x}\r\n".encode() + event + b"\r\n")
                        self.wfile.flush()
                    if complete:
                        self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up: that is what a slow stream is for
                self.close_connection = True

            def _transcribe(self, fields: dict[str, str | bytes]) -> None:
                server.requests.append({"path": self.path, "body": fields, "auth": self.headers.get("Authorization")})
                if not server.transcripts:
                    self._send(500, b'{"error": {"message": "no scripted transcript left"}}')
                    return
                reply = server.transcripts.popleft()
                if isinstance(reply, int):
                    self._send(reply, json.dumps({"error": {"message": f"scripted {reply}"}}).encode())
                elif isinstance(reply, tuple):
                    self._send(200, str(reply[1]).encode())
                else:
                    self._send(200, json.dumps({"text": reply}).encode())

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)  # quick to stop

    def enqueue(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def enqueue_transcript(self, *replies: Reply) -> None:
        self.transcripts.extend(replies)

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
