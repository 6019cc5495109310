"""What the offline recogniser is told before it hears an answer: the question, and the tools its rubric names.

Whisper reads this as the text that came before the recording, so it expects the question's vocabulary ("FastAPI",
"Celery", "idempotency key") instead of near-homophones. Only the question and technology names go in, never a key
point: the recogniser must not be led to hear the answer the rubric wants.
"""

from __future__ import annotations

from interviewer.scoring.rubric import Rubric
from interviewer.scoring.text import technologies

MAX_TERMS = 30  # Whisper keeps the last 223 tokens of a prompt; the question and 30 names fit well inside


def recognition_prompt(rubric: Rubric) -> str:
    named = " ".join(
        [rubric.question, rubric.reference or "", *(c.text for c in (*rubric.key_points, *rubric.red_flags))]
    )
    terms = technologies(named)[:MAX_TERMS]
    return rubric.question + (f" Terms: {', '.join(terms)}." if terms else "")
