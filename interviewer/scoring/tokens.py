"""Token counting for LLM budgets: tiktoken when its BPE file is on disk, a documented estimate otherwise.

tiktoken downloads its BPE file on first use, which fails offline. We never let it try: tiktoken is used only
when the file is already in the cache directory (`INTERVIEWER_TIKTOKEN_CACHE_DIR`, passed to tiktoken as
TIKTOKEN_CACHE_DIR). Otherwise tokens are estimated as ceil(characters / 4), OpenAI's rule of thumb for
English, which errs on the generous side for code and names. `interviewer doctor` says which one is active.
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import tiktoken

ENCODING = "cl100k_base"
BPE_URL = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
BPE_SHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"  # as tiktoken expects it
CHARS_PER_TOKEN = 4


def bpe_cache_file(cache_dir: Path) -> Path:
    """Where tiktoken looks for its cached BPE file (the SHA-1 of the download URL)."""
    return cache_dir / hashlib.sha1(BPE_URL.encode()).hexdigest()


class TokenCounter:
    def __init__(self, cache_dir: Path | None = None, encoding: tiktoken.Encoding | None = None):
        self._encoding = encoding
        self.reason = ""
        if encoding is not None:
            return
        cached = bpe_cache_file(cache_dir) if cache_dir is not None else None
        if cached is None or not cached.is_file():
            self.reason = "tiktoken's BPE file is not cached (it cannot be downloaded offline)"
        elif hashlib.sha256(cached.read_bytes()).hexdigest() != BPE_SHA256:
            # tiktoken would delete it and try to download a fresh copy; we never let it reach the network
            self.reason = f"the cached BPE file {cached} is damaged"
        else:
            import tiktoken

            self._encoding = tiktoken.get_encoding(ENCODING)

    @property
    def name(self) -> str:
        if self._encoding is not None:
            return f"tiktoken {self._encoding.name}"
        return f"estimate: 1 token per {CHARS_PER_TOKEN} characters ({self.reason})"

    def count(self, text: str) -> int:
        if self._encoding is not None:
            return len(self._encoding.encode(text, disallowed_special=()))
        return math.ceil(len(text) / CHARS_PER_TOKEN)

    def trim(self, text: str, budget: int) -> str:
        """At most `budget` tokens of `text`, cut at a token (or character) boundary, with a marker."""
        if self.count(text) <= budget:
            return text
        if self._encoding is not None:
            cut = self._encoding.decode(self._encoding.encode(text, disallowed_special=())[:budget])
        else:
            cut = text[: budget * CHARS_PER_TOKEN]
        return cut + " [trimmed]"
