"""Launch the web app: settings, then the application object, then the UI."""

from __future__ import annotations

from interviewer.service import Service
from interviewer.settings import get_settings
from interviewer.ui.search_page import CSS, build_search_page


def main() -> None:
    settings = get_settings()
    service = Service(settings, progress=True)
    page = build_search_page(service)
    print(f"Serving on http://{settings.host}:{settings.port} (engine: {service.engine})", flush=True)
    page.launch(server_name=settings.host, server_port=settings.port, css=CSS, show_error=True)


if __name__ == "__main__":
    main()
