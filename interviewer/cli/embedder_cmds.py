"""`interviewer embedder export|check`: the embedding model on ONNX Runtime, converted once from the PyTorch model."""

from __future__ import annotations

import argparse
from pathlib import Path

from interviewer.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    g = sub.add_parser("embedder", help="the embedding model (all-MiniLM-L6-v2 on ONNX Runtime)")
    gs = g.add_subparsers(dest="embedder_command", required=True, metavar="ACTION")
    e = gs.add_parser("export", help="convert the PyTorch model to ONNX, float16 weights (needs the `train` extra)")
    e.add_argument("--out", type=Path, help="folder for minilm.onnx and tokenizer.json (default: the package)")
    e.set_defaults(func=cmd_export)
    c = gs.add_parser("check", help="compare the ONNX model with the PyTorch one on sentences (needs `train`)")
    c.add_argument("--model", type=Path, help="folder of the ONNX model (default: the package's)")
    c.set_defaults(func=cmd_check)


def _need_train_extra() -> None:
    try:
        import onnx  # noqa: F401
        import sentence_transformers  # noqa: F401
        import torch  # noqa: F401
    except ImportError as e:
        raise ValueError("this needs the train extra: pip install -e '.[train]'") from e


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    _need_train_extra()
    from interviewer.index import minilm

    path = minilm.export(args.out)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB) and its tokenizer")
    return cmd_check(argparse.Namespace(model=path.parent), settings)


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    """Cosine between the two models' vectors, per text: every question, reference answer and key point."""
    _need_train_extra()
    from interviewer.bank.loader import load_bank
    from interviewer.index import minilm

    bank = load_bank(settings.knowledge_dir)
    texts = [t for q in bank.questions for t in (q.text, q.reference_answer, *(k.text for k in q.key_points))]
    low = minilm.agreement(texts, args.model)
    print(f"{len(texts)} sentences: lowest cosine to the PyTorch model {low:.7f} (must be at least {minilm.AGREE})")
    return 0 if low >= minilm.AGREE else 1
