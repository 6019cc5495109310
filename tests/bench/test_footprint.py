"""The runtime's packages, as `interviewer bench` weighs them: no PyTorch, and a closure that follows real
requirements (extras left out, markers honoured)."""

from interviewer.bench.footprint import HEAVY, largest, run_footprint_bench, runtime_closure


def test_the_runtime_needs_no_pytorch() -> None:
    closure = runtime_closure()
    assert {"chromadb", "gradio", "onnxruntime", "tokenizers", "faster-whisper"} <= set(closure)
    assert not set(HEAVY) & set(closure), sorted(set(HEAVY) & set(closure))
    figures = run_footprint_bench()
    assert figures["runtime_heavy_packages"] == 0
    assert figures["runtime_packages"] == len(closure) - 1  # interviewer itself is not counted


def test_extras_are_not_followed() -> None:
    # pytest is in the dev extra and torch in train; both may be installed here, neither is the runtime's
    assert "pytest" not in runtime_closure() and "pytest" in runtime_closure("pytest")
    # a package's own closure includes what it needs: chromadb needs onnxruntime
    assert "onnxruntime" in runtime_closure("chromadb")


def test_largest_is_sorted_and_sized() -> None:
    top = largest(n=5)
    assert len(top) == 5 and [mb for _, mb in top] == sorted((mb for _, mb in top), reverse=True)
    assert all(mb > 0 for _, mb in top)
