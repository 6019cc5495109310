"""Accounts: who is signed in, and which sessions are theirs.

Three ways to run the web app, chosen by the settings (`accounts_mode`):
- `None`: no accounts. Either nobody signs in (the default, on localhost) or everyone shares one username and
  password (`INTERVIEWER_AUTH__USERNAME`/`PASSWORD`); every session is visible to whoever can open the app.
- `"users"`: a users file (`interviewer users add NAME`) holds one scrypt hash per user; each person signs in on
  the app's login page.
- `"header"`: an authenticating proxy in front (oauth2-proxy and similar) signs people in and passes the user's
  name in a header (`INTERVIEWER_AUTH__TRUSTED_HEADER`); a request without it is refused (401).

With accounts, every session belongs to the user who started it: its link, its report and its row in History
answer "not found" to anyone else, through the page and through the API alike.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import threading
import time
from pathlib import Path
from typing import Any, Literal

from interviewer.settings import Settings

USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}")
MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 1024
# scrypt at n=2**14, r=8: 16 MB and about 50 ms a check on these machines (the parameters are stored per hash)
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
NOBODY = ""  # the user of a request that should have one and has none: owns nothing, sees nothing

AccountsMode = Literal["users", "header"] | None


class AccountError(ValueError):
    """A bad username or password, an unknown user, or an unreadable users file; the message says which."""


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, maxmem=64 * 2**20)
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(stored: str, password: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        want = base64.b64decode(digest)
        got = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                             maxmem=64 * 2**20, dklen=len(want))  # fmt: skip
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, want)


_DUMMY = hash_password(secrets.token_hex(8))  # checked for unknown names, so a login takes as long either way


def check_name(name: str) -> str:
    if not USERNAME.fullmatch(name or ""):
        raise AccountError(
            "a username is 1-64 characters: letters, digits and . _ @ + - (starting with a letter or digit)"
        )
    return name


class Users:
    """The users file: JSON, `{"users": {name: {"hash": ..., "added": unix time}}}`, readable by its owner only.
    Re-read when it changes on disk, so `interviewer users add` takes effect in a running app without a restart."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        self._seen: tuple[float, int] | None = None
        self._users: dict[str, dict[str, Any]] = {}

    def _load(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            try:
                st = self.path.stat()
            except FileNotFoundError:
                self._seen, self._users = None, {}
                return self._users
            if self._seen != (st.st_mtime, st.st_size):
                try:
                    users = json.loads(self.path.read_text(encoding="utf-8"))["users"]
                    if not isinstance(users, dict):
                        raise TypeError("users is not a mapping")
                except (OSError, ValueError, KeyError, TypeError) as e:
                    raise AccountError(f"cannot read the users file {self.path}: {type(e).__name__}: {e}") from e
                self._seen, self._users = (st.st_mtime, st.st_size), users
            return self._users

    def names(self) -> list[str]:
        return sorted(self._load())

    def __len__(self) -> int:
        return len(self._load())

    def check(self, name: str, password: str) -> bool:
        """Whether this name and password sign in (Gradio's login calls it)."""
        entry = self._load().get((name or "").strip())
        ok = verify_password(entry["hash"] if entry else _DUMMY, password or "")
        return bool(entry) and ok

    def add(self, name: str, password: str) -> bool:
        """Add a user, or set a new password for one already there; True when the user is new."""
        check_name(name)
        if not MIN_PASSWORD_CHARS <= len(password) <= MAX_PASSWORD_CHARS:
            raise AccountError(f"a password is {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters")
        users = dict(self._load())
        new = name not in users
        users[name] = {"hash": hash_password(password), "added": users.get(name, {}).get("added", time.time())}
        self._save(users)
        return new

    def remove(self, name: str) -> None:
        users = dict(self._load())
        if name not in users:
            raise AccountError(f"no user {name!r} in {self.path}; see `interviewer users list`")
        del users[name]
        self._save(users)

    def _save(self, users: dict[str, dict[str, Any]]) -> None:
        """Written whole to a private file beside it, then moved over it: a crash leaves the old file or the new."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(f".{self.path.name}.{os.getpid()}.part")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"users": users}, f, indent=1, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        os.replace(partial, self.path)
        with self._lock:
            self._seen = None


def accounts_mode(settings: Settings) -> AccountsMode:
    """Which accounts the app runs with (see the module's docstring). A users file that cannot be read is an error,
    never a silent fall back to no accounts."""
    if settings.auth.trusted_header:
        return "header"
    if len(Users(settings.users_file)) > 0:
        return "users"
    return None


def header_user(header: str) -> Any:
    """Gradio's `auth_dependency` for a trusted header: the user it names, or None (refused with 401)."""

    def user(request: Any) -> str | None:
        name = (request.headers.get(header) or "").strip()
        return name if USERNAME.fullmatch(name) else None

    return user


def describe_access(settings: Settings, mode: AccountsMode) -> str:
    """Who can get in, in a few words (the app's first line and `interviewer doctor`)."""
    if mode == "header":
        return f"accounts from the {settings.auth.trusted_header} header"
    if mode == "users":
        return f"accounts: {len(Users(settings.users_file))} in {settings.users_file}"
    return "one shared login" if settings.auth.enabled else "no login"
