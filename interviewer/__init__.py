"""Mock interviewer for Python developer roles: a question bank, an index, an interviewer and a scorer."""

from interviewer.settings import quiet_third_party

# Before any third-party import can read them: no telemetry, no hub downloads.
quiet_third_party()

__version__ = "0.1.0"
