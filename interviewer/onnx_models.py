"""A model file for ONNX Runtime and its tokenizer, opened the way every model of the product runs: no torch.

The embedder (`index/minilm.py`) and the answer reader (`scoring/reader/model.py`) both load an exported MiniLM
with the `tokenizers` package beside it; this is their one loader, so their threading and error text agree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def open_model(
    model: Path, tokenizer: Path, *, threads: int, max_tokens: int, pad: bool, arena: bool, missing: str
) -> tuple[Any, Any]:
    """(onnxruntime session, tokenizer). `pad`: the tokenizer pads a batch to its longest (else the caller does);
    `arena`: onnxruntime's memory arena, which keeps a long batch's peak for good (off: malloc gives it back);
    `missing`: what to do when a file is not there, for the error message."""
    import onnxruntime as ort
    from tokenizers import Tokenizer

    if not model.is_file() or not tokenizer.is_file():
        raise FileNotFoundError(f"{missing} (looked for {model.name} and {tokenizer.name} in {model.parent})")
    tok = Tokenizer.from_file(str(tokenizer))
    tok.enable_truncation(max_length=max_tokens)
    if pad:
        tok.enable_padding(pad_id=0, pad_token="[PAD]")
    else:
        tok.no_padding()
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.enable_cpu_mem_arena = arena
    session = ort.InferenceSession(str(model), sess_options=opts, providers=["CPUExecutionProvider"])
    return session, tok
