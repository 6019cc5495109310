"""Reliability harnesses that drive the real web app over HTTP: crash durability and load with isolation.

Both start `app.py` as a child process on a free port with its own data directory, talk to it with
gradio_client as a browser would, and read the sessions' SQLite file directly to check what was kept.
"""

from __future__ import annotations

from interviewer.reliability.crash import CrashConfig, CrashReport, run_crash
from interviewer.reliability.load import LoadConfig, LoadReport, run_load

__all__ = ["CrashConfig", "CrashReport", "LoadConfig", "LoadReport", "run_crash", "run_load"]
