"""Accounts: the users file, its hashes, `interviewer users add/remove/list` run as a person runs them, and which
accounts mode the settings give. `pytest -k accounts` runs these with the other account tests."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from interviewer.accounts import AccountError, Users, accounts_mode, hash_password, verify_password
from interviewer.settings import AuthSettings, Settings


def test_accounts_hash_checks_the_password_and_hides_it() -> None:
    stored = hash_password("correct horse battery")
    assert verify_password(stored, "correct horse battery")
    assert not verify_password(stored, "correct horse batterY")
    assert not verify_password(stored, "")
    assert "correct" not in stored and stored != hash_password("correct horse battery")  # salted
    assert not verify_password("not a hash", "x") and not verify_password("scrypt$1$2$3$!!$!!", "x")


def test_accounts_users_file_is_private_and_reread_when_it_changes(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    users, running_app = Users(path), Users(path)
    assert len(running_app) == 0
    assert users.add("alice", "alice-password") is True
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "alice-password" not in path.read_text()
    assert running_app.check("alice", "alice-password")  # the app's copy sees the new user without a restart
    assert not running_app.check("alice", "wrong-password") and not running_app.check("mallory", "alice-password")
    assert users.add("alice", "new-password-1") is False  # a new password for the same user
    assert running_app.check("alice", "new-password-1") and not running_app.check("alice", "alice-password")
    users.add("bob", "bob-password")
    users.remove("alice")
    assert running_app.names() == ["bob"] and not running_app.check("alice", "new-password-1")
    with pytest.raises(AccountError, match="no user"):
        users.remove("alice")


@pytest.mark.parametrize(
    ("name", "password", "why"),
    [("", "long-enough", "username"), ("a b", "long-enough", "username"), ("-x", "long-enough", "username"),
     ("x" * 65, "long-enough", "username"), ("ok", "short", "password"), ("ok", "x" * 1025, "password")],
)  # fmt: skip
def test_accounts_bad_names_and_passwords_are_refused(tmp_path: Path, name: str, password: str, why: str) -> None:
    with pytest.raises(AccountError, match=why):
        Users(tmp_path / "users.json").add(name, password)
    assert not (tmp_path / "users.json").exists()


def test_accounts_a_broken_users_file_is_an_error_not_an_open_app(tmp_path: Path) -> None:
    (tmp_path / "users.json").write_text("{not json")
    with pytest.raises(AccountError, match="cannot read the users file"):
        accounts_mode(Settings(data_dir=tmp_path))


def test_accounts_mode_follows_the_settings(tmp_path: Path) -> None:
    assert accounts_mode(Settings(data_dir=tmp_path)) is None
    Users(tmp_path / "users.json").add("alice", "alice-password")
    assert accounts_mode(Settings(data_dir=tmp_path)) == "users"
    assert accounts_mode(Settings(data_dir=tmp_path, auth=AuthSettings(trusted_header="X-Forwarded-User"))) == "header"
    with pytest.raises(ValueError):
        AuthSettings(trusted_header="X-User: evil")


def _cli(data: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "INTERVIEWER_DATA_DIR": str(data)}
    return subprocess.run([sys.executable, "-m", "interviewer", "users", *args], input=stdin, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_accounts_cli_adds_lists_and_removes_users(tmp_path: Path) -> None:
    out = _cli(tmp_path, "list")
    assert out.returncode == 0 and "no users" in out.stdout
    out = _cli(tmp_path, "add", "alice", "--password-stdin", stdin="alice-password\n")
    assert out.returncode == 0 and "added alice" in out.stdout and "restart the app" in out.stdout
    assert Users(tmp_path / "users.json").check("alice", "alice-password")
    out = _cli(tmp_path, "add", "bob", "--password-stdin", stdin="short\n")
    assert out.returncode == 2 and "password is 8" in out.stderr
    assert _cli(tmp_path, "list").stdout.split() == ["alice"]
    out = _cli(tmp_path, "remove", "nobody")
    assert out.returncode == 2 and "no user 'nobody'" in out.stderr
    out = _cli(tmp_path, "remove", "alice")
    assert out.returncode == 0 and "No users are left" in out.stdout
