"""Valid replies to the interviewer's own structured requests, as a `FakeOpenAI` responder: a `Judgement` for the
judge, a `Move` for the policy. The request's `response_format` names the schema; the ids come from the prompt.

Replies are plausible, not clever: every key point "partial" with no quote (the offline evidence stands), no red
flag; a follow-up on the first missed point while follow-ups are left, else moving on. A schema it does not know
gets a 400, which the caller treats as a failure, never as a reply.
"""

from __future__ import annotations

import re
from typing import Any

from interviewer.interview.llm_policy import Move
from interviewer.scoring.judge import Judgement
from interviewer.testing.fake_openai import Reply

FOLLOW_UP = "Could you walk me through how you would check that part in practice?"
MOVE_ON = "Thanks, that's clear. Let's move on."
_ITEM = re.compile(r"^- ([\w.-]+): ", re.M)


def _section(prompt: str, heading: str) -> str:
    """The text after the line starting with `heading`, up to the next blank line."""
    start = prompt.find(heading)
    if start < 0:
        return ""
    body = prompt[prompt.find("\n", start) + 1 :]
    return body.split("\n\n", 1)[0]


def judgement(prompt: str) -> Judgement:
    ids = _ITEM.findall(_section(prompt, "Key points (id: text)"))
    return Judgement.model_validate({"key_points": [{"id": i, "verdict": "partial", "quote": None} for i in ids]})


def move(prompt: str) -> Move:
    left = re.search(r"Follow-ups left for this question: (\d+)", prompt)
    missed = _ITEM.findall(_section(prompt, "Points the candidate missed"))
    if left and int(left.group(1)) > 0 and missed:
        return Move(action="follow_up", utterance=FOLLOW_UP, target=missed[0])
    return Move(action="next", utterance=MOVE_ON)


def interviewer_replies(body: dict[str, Any]) -> Reply:
    """The responder: JSON content for the schema the request asks for (streamed when it asks for a stream)."""
    schema = (body.get("response_format") or {}).get("json_schema", {}).get("name")
    prompt = str(body["messages"][-1]["content"])
    if schema == Judgement.__name__:
        return judgement(prompt).model_dump_json()
    if schema == Move.__name__:
        return move(prompt).model_dump_json()
    return 400
