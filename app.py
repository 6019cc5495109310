"""Launch the web app: settings, then the application object, then the UI."""

from __future__ import annotations

import logging
import sys
import threading
from typing import Any

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
    except IndexUnavailable as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if service.build_report.notice:
        print(f"notice: {service.build_report.notice}", file=sys.stderr, flush=True)
    threading.Thread(target=service.warm_up, name="warm-up", daemon=True).start()

    from interviewer.ui.interview_page import CSS, build_app

    page = build_app(service)
    options = launch_options(settings)
    where = f"http://{settings.host}:{settings.port}"
    print(f"Serving on {where} (engine: {service.engine}{', login required' if options['auth'] else ''})", flush=True)
    page.queue(default_concurrency_limit=8).launch(**options, css=CSS)
    return 0


def launch_options(settings: Settings) -> dict[str, Any]:
    """Where and how the app listens: localhost by default, a login when one is configured, never a share link."""
    auth = None
    if settings.auth.enabled:
        assert settings.auth.username and settings.auth.password
        auth = (settings.auth.username, settings.auth.password.get_secret_value())
    return {
        "server_name": settings.host,
        "server_port": settings.port,
        "auth": auth,
        "share": False,
        "show_error": True,
        "quiet": True,
    }


if __name__ == "__main__":
    sys.exit(main())
