"""Security defaults of the web app, served for real over HTTP (no browser needed)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

from pydantic import SecretStr

from app import launch_options
from interviewer.service import Service
from interviewer.settings import AuthSettings, LLMSettings, Settings
from interviewer.testing.net import free_port
from interviewer.ui.interview_page import CSS, build_app

SECRET = "sk-test-do-not-show-0123456789"


def test_defaults_bind_to_localhost_without_login(tmp_path: Path) -> None:
    options = launch_options(Settings(data_dir=tmp_path))
    assert options["server_name"] == "127.0.0.1" and options["auth"] is None and options["share"] is False


def test_login_and_secrets(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        port=free_port(),
        llm=LLMSettings(base_url="http://127.0.0.1:9/v1", api_key=SecretStr(SECRET), model="test-model"),
        auth=AuthSettings(username="ada", password=SecretStr("lovelace-pw")),
    )
    options = launch_options(settings)
    assert options["auth"] == ("ada", "lovelace-pw")
    assert SECRET not in repr(settings) and SECRET not in settings.model_dump_json()
    page = build_app(Service(settings))
    _, url, _ = page.launch(**options, prevent_thread_lock=True, css=CSS)
    try:
        try:  # without logging in, the app's configuration is not served
            urllib.request.urlopen(url + "config", timeout=10)
            raise AssertionError("config served without a login")
        except urllib.error.HTTPError as e:
            assert e.code in (401, 403)
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        data = b"username=ada&password=lovelace-pw"
        opener.open(urllib.request.Request(url + "login", data=data), timeout=10)
        config = opener.open(url + "config", timeout=10).read().decode()
        assert "llm:test-model" in config  # the badge names the engine...
        assert SECRET not in config  # ...never its key
        assert SECRET not in json.dumps(json.loads(config))
    finally:
        page.close()
