import os
from pathlib import Path

import pytest

from interviewer.settings import QUIET_ENV, Settings, get_settings, quiet_third_party


def test_data_dir_comes_from_the_environment(isolated_data_dir: Path) -> None:
    settings = get_settings()
    assert settings.data_dir == isolated_data_dir
    assert settings.index_dir == isolated_data_dir / "index"
    assert settings.reports_dir.parent == settings.sessions_dir.parent == isolated_data_dir


def test_nested_llm_settings_and_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERVIEWER_LLM__BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("INTERVIEWER_LLM__API_KEY", "sk-very-secret")
    monkeypatch.setenv("INTERVIEWER_LLM__MODEL", "qwen2.5")
    settings = Settings()
    assert settings.llm.configured
    assert settings.llm.model == "qwen2.5"
    assert settings.llm.api_key is not None
    assert settings.llm.api_key.get_secret_value() == "sk-very-secret"
    assert "sk-very-secret" not in repr(settings)
    assert "sk-very-secret" not in settings.model_dump_json()


def test_offline_by_default() -> None:
    settings = Settings()
    assert not settings.llm.configured
    assert settings.embedding.provider == "local"
    assert settings.host == "127.0.0.1"


def test_invalid_values_are_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERVIEWER_EMBEDDING__PROVIDER", "word2vec")
    with pytest.raises(ValueError, match="provider"):
        Settings()


def test_telemetry_is_switched_off_but_user_values_win(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in QUIET_ENV:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    quiet_third_party()
    assert os.environ["GRADIO_ANALYTICS_ENABLED"] == "False"
    assert os.environ["ANONYMIZED_TELEMETRY"] == "False"
    assert os.environ["ORT_DISABLE_TELEMETRY"] == "1"
    assert os.environ["HF_HUB_OFFLINE"] == "0"


def test_only_the_settings_module_reads_the_environment() -> None:
    package = Path(__file__).resolve().parent.parent / "interviewer"
    readers = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if path.name != "settings.py" and ("os.environ" in path.read_text() or "getenv" in path.read_text())
    ]
    assert readers == []
