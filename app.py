"""Launch the web app: settings, then the application object, then the UI."""

from __future__ import annotations

import logging
import sys
import threading
from typing import Any

from interviewer.accounts import AccountError, AccountsMode, Users, describe_access, header_user
from interviewer.bank.loader import BankError
from interviewer.index.store import IndexUnavailable
from interviewer.interview.store_postgres import StoreUnavailable
from interviewer.service import Service
from interviewer.settings import Settings, get_settings, quiet_third_party


def main() -> int:
    quiet_third_party()
    settings = get_settings()
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        service = Service(settings, progress=True)
    except BankError as e:
        print(f"error: {e}\nFix the files above (see `interviewer bank check`), then start again.", file=sys.stderr)
        return 2
    except StoreUnavailable as e:
        print(f"error: {e}\nCheck INTERVIEWER_DATABASE_URL (unset it to keep sessions in SQLite).", file=sys.stderr)
        return 2
    except (IndexUnavailable, AccountError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if service.build_report.notice:
        print(f"notice: {service.build_report.notice}", file=sys.stderr, flush=True)
    threading.Thread(target=service.warm_up, name="warm-up", daemon=True).start()

    from interviewer.ui.interview_page import CSS, build_app

    page = build_app(service)
    options = launch_options(settings, service.accounts)
    for line in access_notes(settings, service.accounts):
        print(f"notice: {line}", file=sys.stderr, flush=True)
    where = f"http://{settings.host}:{settings.port}"
    print(f"Serving on {where} (engine: {service.engine}; {describe_access(settings, service.accounts)})", flush=True)
    page.queue(default_concurrency_limit=8).launch(**options, css=CSS)
    return 0


def launch_options(settings: Settings, accounts: AccountsMode = None) -> dict[str, Any]:
    """Where and how the app listens: localhost by default, never a share link; who may sign in: the accounts of
    the users file, the user a trusted proxy names, or the one shared login, when configured."""
    auth: Any = None
    dependency = None
    message = None
    if accounts == "header":
        assert settings.auth.trusted_header
        dependency = header_user(settings.auth.trusted_header)
    elif accounts == "users":
        auth = Users(settings.users_file).check  # re-reads the file when it changes: no restart to add someone
        message = "Sign in with the account your organiser gave you. Your interviews are visible to you only."
    elif settings.auth.enabled:
        assert settings.auth.username and settings.auth.password
        auth = (settings.auth.username, settings.auth.password.get_secret_value())
    return {
        "server_name": settings.host,
        "server_port": settings.port,
        "auth": auth,
        "auth_dependency": dependency,
        "auth_message": message,
        "share": False,
        "show_error": True,
        "quiet": True,
    }


def access_notes(settings: Settings, accounts: AccountsMode) -> list[str]:
    """What the person starting the app should know about who can get in."""
    notes = []
    if accounts is not None and settings.auth.enabled:
        notes.append("INTERVIEWER_AUTH__USERNAME/PASSWORD are ignored: accounts are on, each person signs in as "
                     "themselves")  # fmt: skip
    if accounts == "header" and settings.host not in ("127.0.0.1", "localhost", "::1"):
        notes.append(f"the {settings.auth.trusted_header} header is trusted, and the app listens on {settings.host}:"
                     " anyone who can reach it directly can claim to be anyone; keep it behind the proxy")  # fmt: skip
    if accounts is None and settings.auth.enabled is False and settings.host not in ("127.0.0.1", "localhost", "::1"):
        notes.append(f"the app listens on {settings.host} with no login: anyone who reaches it sees every session "
                     "(`interviewer users add NAME` turns accounts on)")  # fmt: skip
    return notes


if __name__ == "__main__":
    sys.exit(main())
