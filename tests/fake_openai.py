"""A real HTTP server speaking the OpenAI API, standing in for a remote endpoint in tests.

- `/v1/embeddings`: deterministic bags of hashed words, so similar texts get similar vectors.
- `/v1/chat/completions`: replies with what the test enqueued, in order: a string is the message content,
  an int is an HTTP error status, `("raw", text)` is a raw (possibly malformed) body. When the queue is empty it
  answers 500 rather than inventing a reply. Every request is recorded in `requests`.
- `/v1/audio/transcriptions` (multipart): replies from its own queue, `transcripts` (`enqueue_transcript`), with the
  same reply kinds; a string becomes `{"text": ...}`. The request records the form fields and the file's bytes.
- `/v1/audio/speech`: answers `SPEECH_WAV`, a short valid WAV tone.
"""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import io
import json
import math
import re
import threading
import wave
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DIM = 64
Reply = str | int | tuple[str, str]


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


def _completion(content: str, model: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


class FakeOpenAI:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.replies: deque[Reply] = deque()
        self.transcripts: deque[Reply] = deque()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                if self.path.rstrip("/") == "/v1/audio/transcriptions":
                    self._transcribe(parse_multipart(self.headers["Content-Type"], raw))
                    return
                body = json.loads(raw)
                server.requests.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
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
                reply = server.replies.popleft()
                if isinstance(reply, int):
                    self._send(reply, json.dumps({"error": {"message": f"scripted {reply}"}}).encode())
                elif isinstance(reply, tuple):
                    self._send(200, reply[1].encode())
                else:
                    self._send(200, json.dumps(_completion(reply, body.get("model", "test"))).encode())

            def _transcribe(self, fields: dict[str, str | bytes]) -> None:
                server.requests.append({"path": self.path, "body": fields, "auth": self.headers.get("Authorization")})
                if not server.transcripts:
                    self._send(500, b'{"error": {"message": "no scripted transcript left"}}')
                    return
                reply = server.transcripts.popleft()
                if isinstance(reply, int):
                    self._send(reply, json.dumps({"error": {"message": f"scripted {reply}"}}).encode())
                elif isinstance(reply, tuple):
                    self._send(200, reply[1].encode())
                else:
                    self._send(200, json.dumps({"text": reply}).encode())

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

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
        self.httpd.shutdown()
        self.httpd.server_close()
