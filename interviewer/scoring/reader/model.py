"""The reader's inference: a MiniLM cross-encoder in ONNX, run by onnxruntime with the `tokenizers` package.

It reads (span, claim) together and gives three probabilities in LABELS order: the span states the claim,
says its opposite, or neither. No torch at run time; nothing is downloaded.
"""

from __future__ import annotations

import threading
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

MAX_LEN = 96  # tokens for span and claim together; spans are sentences and claims are one line
BATCH = 64
CACHE_PAIRS = 50_000  # (span, claim) readings kept: a live turn's answer is read again, sentence by sentence
MODEL_FILE = "reader.onnx"
TOKENIZER_FILE = "tokenizer.json"


def model_dir() -> Path:
    return Path(str(resources.files("interviewer.scoring.reader") / "model"))


class ReaderModel:
    """Loaded on first use and shared: onnxruntime sessions are safe to call from several threads."""

    def __init__(self, folder: Path | None = None, threads: int = 2):
        self.folder = folder or model_dir()
        self.threads = threads
        self._session: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, str], np.ndarray] = {}  # oldest first, at most CACHE_PAIRS

    def available(self) -> bool:
        return (self.folder / MODEL_FILE).is_file() and (self.folder / TOKENIZER_FILE).is_file()

    def _load(self) -> None:
        with self._lock:
            if self._session is not None:
                return
            from interviewer.onnx_models import open_model

            self._session, self._tokenizer = open_model(
                self.folder / MODEL_FILE,
                self.folder / TOKENIZER_FILE,
                threads=self.threads,
                max_tokens=MAX_LEN,
                pad=True,
                arena=True,
                missing="the answer reader's model is missing; retrain it: `interviewer reader train`",
            )

    def proba(self, spans: list[str], claims: list[str]) -> np.ndarray:
        """One row of (states, contradicts, neither) per (span, claim) pair, zipped. Pairs read before come from a
        bounded cache: a spoken answer is read as it grows (`Listener`), and the turn then reads it once more."""
        if len(spans) != len(claims):
            raise ValueError("spans and claims pair up one to one")
        probs = np.zeros((len(spans), 3), dtype=np.float32)
        with self._lock:
            known = [self._cache.get(pair) for pair in zip(spans, claims, strict=True)]
        todo = [i for i, k in enumerate(known) if k is None]
        for i, k in enumerate(known):
            if k is not None:
                probs[i] = k
        if todo:
            fresh = self._run([spans[i] for i in todo], [claims[i] for i in todo])
            probs[todo] = fresh
            with self._lock:
                for i, p in zip(todo, fresh, strict=True):
                    self._cache[(spans[i], claims[i])] = p.copy()  # not a view that keeps its whole batch
                while len(self._cache) > CACHE_PAIRS:  # dicts keep insertion order: the oldest goes
                    self._cache.pop(next(iter(self._cache)))
        return probs

    def _run(self, spans: list[str], claims: list[str]) -> np.ndarray:
        self._load()
        out = []
        order = np.argsort([len(s) + len(c) for s, c in zip(spans, claims, strict=True)])  # similar lengths batch
        for start in range(0, len(order), BATCH):
            idx = order[start : start + BATCH]
            enc = self._tokenizer.encode_batch([(spans[i], claims[i]) for i in idx])
            feed = {
                "input_ids": np.asarray([e.ids for e in enc], dtype=np.int64),
                "attention_mask": np.asarray([e.attention_mask for e in enc], dtype=np.int64),
                "token_type_ids": np.asarray([e.type_ids for e in enc], dtype=np.int64),
            }
            logits = self._session.run(["logits"], feed)[0].astype(np.float64)
            logits -= logits.max(axis=1, keepdims=True)
            e = np.exp(logits)
            out.append((idx, e / e.sum(axis=1, keepdims=True)))
        probs = np.zeros((len(spans), 3), dtype=np.float32)
        for idx, p in out:
            probs[idx] = p
        return probs
