"""One data directory for the reliability runs, so only the first of them builds the index."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def app_data_dir() -> Iterator[Path]:
    # Not tmp_path_factory: these runs take minutes, and any other pytest session started meanwhile on the same
    # machine prunes old `pytest-N` folders, deleting the data directory under the running app.
    path = Path(tempfile.mkdtemp(prefix="interviewer-reliability-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)
