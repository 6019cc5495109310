"""What a runtime-only install weighs: the installed files of every package `interviewer` needs to run (its
dependencies, theirs, and so on; no extras), added up from each distribution's own file list. It reads the
environment it runs in, so it measures the same closure whether or not the `dev` and `train` extras sit beside it,
and it flags a heavy package (PyTorch) that the runtime closure pulls in."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

HEAVY = ("torch", "sentence-transformers", "transformers")  # what the light runtime must not need


def runtime_closure(root: str = "interviewer") -> dict[str, metadata.Distribution]:
    """Every installed distribution that `root` needs at run time, keyed by canonical name."""
    found: dict[str, metadata.Distribution] = {}
    todo = [root]
    while todo:
        name = canonicalize_name(todo.pop())
        if name in found:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # an optional platform dependency that is not installed here
        found[name] = dist
        for spec in dist.requires or []:
            req = Requirement(spec)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return found


def _size(dist: metadata.Distribution) -> int:
    total = 0
    for f in dist.files or []:
        path = Path(str(dist.locate_file(f)))
        if path.is_file():
            total += path.stat().st_size
    return total


def run_footprint_bench(root: str = "interviewer") -> dict[str, float]:
    closure = runtime_closure(root)
    sizes = {name: _size(d) for name, d in closure.items() if name != canonicalize_name(root)}
    return {
        "runtime_packages_mb": round(sum(sizes.values()) / 1e6, 1),
        "runtime_packages": float(len(sizes)),
        "runtime_heavy_packages": float(sum(canonicalize_name(h) in sizes for h in HEAVY)),
    }


def largest(root: str = "interviewer", n: int = 8) -> list[tuple[str, float]]:
    """The runtime closure's biggest packages, in MB, biggest first (for the README's install notes)."""
    closure = runtime_closure(root)
    sizes = sorted(((name, _size(d) / 1e6) for name, d in closure.items() if name != root), key=lambda x: -x[1])
    return [(name, round(mb, 1)) for name, mb in sizes[:n]]
