"""The LLM options of `interviewer eval` end to end, against a real local OpenAI-compatible HTTP server: the LLM
engine (judge and policy), the LLM-spoken candidate and the LLM behaviour judge."""

import json
import re
from pathlib import Path
from typing import Any

import pytest

from interviewer.cli import main
from interviewer.evals.behaviour_judge import CRITERIA, Verdicts
from interviewer.evals.llm_candidate import Spoken
from interviewer.settings import get_settings
from interviewer.testing.fake_openai import FakeOpenAI, Reply
from interviewer.testing.model_replies import interviewer_replies

DRAFT = re.compile(r"<<<DRAFT\n(.*)\nDRAFT>>>", re.S)


def replies(body: dict[str, Any]) -> Reply:
    schema = (body.get("response_format") or {}).get("json_schema", {}).get("name")
    prompt = str(body["messages"][-1]["content"])
    if schema == Spoken.__name__:
        draft = DRAFT.search(prompt)
        return Spoken(answer=f"Well, {draft.group(1) if draft else ''}").model_dump_json()
    if schema == Verdicts.__name__:
        verdicts = dict.fromkeys(CRITERIA, "yes") | {"relevant_follow_ups": "no"}
        return Verdicts.model_validate(verdicts).model_dump_json()
    return interviewer_replies(body)


def test_llm_engine_candidate_and_judge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "llm-run"
    with FakeOpenAI(responder=replies) as server:
        monkeypatch.setenv("INTERVIEWER_LLM__BASE_URL", server.base_url)
        monkeypatch.setenv("INTERVIEWER_LLM__MODEL", "fake-model")
        get_settings.cache_clear()
        args = ["eval", "dialogue", "--engine", "llm", "--candidate", "llm", "--judge", "--personas", "average,idk"]
        assert main([*args, "--out", str(out)]) == 0
        schemas = [(r["body"].get("response_format") or {}).get("json_schema", {}).get("name")
                   for r in server.chat_requests()]  # fmt: skip
    results = json.loads((out / "results.json").read_text())
    assert results["meta"] | {"started": None, "seconds": None, "commit": None} == {
        "started": None, "seconds": None, "commit": None, "engine": "llm", "model": "fake-model",
        "candidate": "llm", "judge": True, "suites": ["dialogue"],
    }  # fmt: skip
    dialogue = results["suites"]["dialogue"]
    assert dialogue["figures"]["sessions"] == 6 and dialogue["figures"]["reaches_wrap_up_rate"] == 1.0
    assert dialogue["llm_candidate_fallbacks"] == 0
    judge = dialogue["llm_judge"]
    assert judge["judged"] == 6 and judge["yes_rate"]["relevant_follow_ups"] == 0.0 and judge["yes_rate"]["no_hints"]
    assert judge["agreement_with_checks"] == {"no_repeats": 1.0, "proper_ending": 1.0}  # the judge says yes to both
    assert dialogue["figures"]["no_repeated_questions"] == 1.0  # the scripted model repeats its follow-up: refused
    assert {"Judgement", "Move", "Spoken", "Verdicts"} <= set(schemas)
    transcripts = [json.loads(line) for line in (out / "transcripts.jsonl").read_text().splitlines()]
    spoken = [t for tr in transcripts for t in tr["truth"] if t["source"] == "llm"]
    assert spoken and all(t["text"].startswith("Well, ") for t in spoken)
    assert "LLM behaviour judge (fake-model, 6 judged, 0 unjudged)" in (out / "report.md").read_text()


def test_a_failing_model_falls_back_visibly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The endpoint answers 500 to everything: the run still completes offline-worded, and says how often."""
    out = tmp_path / "broken"
    with FakeOpenAI() as server:
        monkeypatch.setenv("INTERVIEWER_LLM__BASE_URL", server.base_url)
        monkeypatch.setenv("INTERVIEWER_LLM__MAX_RETRIES", "0")
        get_settings.cache_clear()
        args = ["eval", "dialogue", "--candidate", "llm", "--judge", "--personas", "strong"]
        assert main([*args, "--out", str(out)]) == 0
    dialogue = json.loads((out / "results.json").read_text())["suites"]["dialogue"]
    assert dialogue["llm_candidate_fallbacks"] > 0
    assert dialogue["llm_judge"]["judged"] == 0 and dialogue["llm_judge"]["unjudged"] == 3
