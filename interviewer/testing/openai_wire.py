"""What the fake OpenAI server puts on the wire: completion bodies, server-sent events, embeddings, a WAV tone,
and the multipart form `/audio/transcriptions` receives."""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import io
import json
import math
import re
import wave
from typing import Any

DIM = 64
STREAM_PIECES = 6  # chunks a streamed reply is cut into


def bag_vector(text: str) -> list[float]:
    """A deterministic bag of hashed words, so similar texts get similar vectors."""
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


def completion(content: str, model: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def embeddings(body: dict[str, Any]) -> dict[str, Any]:
    inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
    data = [{"object": "embedding", "index": i, "embedding": bag_vector(t)} for i, t in enumerate(inputs)]
    return {"object": "list", "data": data, "model": body["model"], "usage": {}}


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
