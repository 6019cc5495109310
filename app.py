"""Launch the web app: settings, then the application object, then the UI."""

from __future__ import annotations

import sys
import threading

from interviewer.bank.loader import BankError
from interviewer.service import Service
from interviewer.settings import get_settings
from interviewer.ui.search_page import CSS, build_search_page


def main() -> int:
    settings = get_settings()
    try:
        service = Service(settings, progress=True)
    except BankError as e:
        print(f"error: {e}\nFix the files above (see `interviewer bank check`), then start again.", file=sys.stderr)
        return 2
    threading.Thread(target=service.warm_up, name="warm-up", daemon=True).start()
    page = build_search_page(service)
    print(f"Serving on http://{settings.host}:{settings.port} (engine: {service.engine})", flush=True)
    page.launch(server_name=settings.host, server_port=settings.port, css=CSS, show_error=True, quiet=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
