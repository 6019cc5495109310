"""The fake server's fixed latency and responder, over real HTTP, and the replies it gives the bench's turns."""

import json
import time
import urllib.error
import urllib.request
from typing import Any

import pytest

from interviewer.bank.loader import Bank
from interviewer.interview.llm_policy import LLMPolicy
from interviewer.scoring.engine import AnswerScorer
from interviewer.scoring.models import Engine
from interviewer.scoring.rubric import from_question
from interviewer.scoring.scorer import OfflineScorer
from interviewer.settings import LLMSettings, Settings
from interviewer.testing.fake_openai import FakeOpenAI
from interviewer.testing.model_replies import FOLLOW_UP, MOVE_ON, interviewer_replies

VAGUE = "I'd look into it, figure out what's going on and then fix whatever is slow, step by step."


def _post(base_url: str, body: dict[str, Any]) -> tuple[int, bytes]:
    request = urllib.request.Request(
        f"{base_url}/chat/completions", json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def _content(raw: bytes) -> str:
    return str(json.loads(raw)["choices"][0]["message"]["content"])


def _streamed_content(raw: bytes) -> str:
    events = [line[6:] for line in raw.decode().splitlines() if line.startswith("data: {")]
    return "".join(json.loads(e)["choices"][0]["delta"].get("content", "") for e in events)


def test_the_fixed_latency_comes_before_every_chat_reply_and_is_recorded() -> None:
    with FakeOpenAI(latency_s=0.2) as server:
        server.enqueue("scripted", 503)
        for expected in (200, 503, 500):  # a reply, a scripted error, and the empty queue's 500
            began = time.monotonic()
            status, _ = _post(server.base_url, {"model": "m", "messages": []})
            assert status == expected and time.monotonic() - began >= 0.2
    for record in server.chat_requests():
        assert record["delay_s"] >= 0.2 and record["handled_s"] >= record["delay_s"]


def test_the_responder_answers_once_the_queue_is_empty() -> None:
    seen: list[dict[str, Any]] = []

    def responder(body: dict[str, Any]) -> str:
        seen.append(body)
        return f"made up for {body['model']}"

    with FakeOpenAI(responder=responder) as server:
        server.enqueue("scripted")
        first = _post(server.base_url, {"model": "m1", "messages": []})
        second = _post(server.base_url, {"model": "m2", "messages": []})
        streamed = _post(server.base_url, {"model": "m3", "messages": [], "stream": True})
    assert _content(first[1]) == "scripted"  # the queue comes first
    assert _content(second[1]) == "made up for m2" and [b["model"] for b in seen] == ["m2", "m3"]
    assert streamed[0] == 200 and streamed[1].endswith(b"data: [DONE]\n\n")
    assert _streamed_content(streamed[1]) == "made up for m3"  # streamed, as asked


def test_without_a_responder_an_empty_queue_is_still_the_same_500() -> None:
    with FakeOpenAI() as server:
        status, body = _post(server.base_url, {"model": "m", "messages": []})
    assert (status, body) == (500, b'{"error": {"message": "no scripted reply left"}}')
    assert server.chat_requests()[0]["delay_s"] < 0.1  # no latency unless asked for


def test_the_interviewer_replies_satisfy_the_judge_and_the_policy(bank: Bank, scorer: OfflineScorer) -> None:
    rubric = from_question(bank.question("swe-top-ips-large-log"))
    with FakeOpenAI(responder=interviewer_replies) as server:
        settings = Settings(llm=LLMSettings(base_url=server.base_url, model="fake", timeout_s=10))
        result = AnswerScorer(settings, offline=scorer).score(rubric, VAGUE)
        policy = LLMPolicy(settings.llm)
        follow_up = policy.decide(rubric, [VAGUE], result, follow_ups_left=1, level="intermediate")
        move_on = policy.decide(rubric, [VAGUE], result, follow_ups_left=0, level="intermediate")
        unknown = _post(server.base_url, {"model": "m", "messages": [{"role": "user", "content": "hi"}]})
    assert result.engine == Engine.llm("fake")
    assert [k.verdict for k in result.key_points] == ["partial"] * len(rubric.key_points)
    assert follow_up.action == "follow_up" and follow_up.utterance == FOLLOW_UP
    assert follow_up.target in {k.id for k in rubric.key_points}
    assert move_on.action == "next" and move_on.utterance == MOVE_ON
    assert unknown[0] == 400  # a schema it has no reply for is an error, never a made-up reply
    assert len(server.chat_requests()) == 4  # no re-asks: every reply was valid the first time


@pytest.mark.parametrize("latency", [0.0, 0.05])
def test_requests_are_stamped_with_arrival_and_handling_times(latency: float) -> None:
    with FakeOpenAI(latency_s=latency) as server:
        server.enqueue("a", "b")
        _post(server.base_url, {"model": "m", "messages": []})
        _post(server.base_url, {"model": "m", "messages": []})
    first, second = server.chat_requests()
    assert first["t"] + first["handled_s"] <= second["t"]  # sequential requests: handled before the next arrives
