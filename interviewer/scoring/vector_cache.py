"""Rubric vectors kept on disk between runs, so a restart does not embed the whole bank's rubrics again (about
4 s on 2 cores). Keyed by the exact text and the embedding model's name: an edited key point is simply a new key.
A missing, stale or broken file only costs the embedding it would have saved."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)


def load_vectors(path: Path, model: str) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["model"]) != model:
                return {}
            return {str(t): v for t, v in zip(data["texts"], data["vectors"], strict=True)}
    except FileNotFoundError:
        return {}
    except Exception as e:  # a torn or foreign file: embed again and overwrite it
        log.info("rubric vector cache %s unreadable (%s); embedding again", path, type(e).__name__)
        return {}


def save_vectors(path: Path, model: str, vectors: dict[str, np.ndarray]) -> None:
    """Written to a temporary file and renamed, so a crash mid-write never leaves a torn cache."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp.npz")
    texts = list(vectors)
    np.savez(tmp, model=np.array(model), texts=np.array(texts), vectors=np.stack([vectors[t] for t in texts]))
    os.replace(tmp, path)
