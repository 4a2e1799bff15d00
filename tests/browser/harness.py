"""Types the browser tests share (kept out of conftest.py so tests can import them)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from flask import Flask
from playwright.sync_api import Page
from sqlalchemy import select
from werkzeug.serving import make_server

from surveys import Questionnaire

#: ``new_page(width=1280, height=900, js=True, locale="en-GB")``: a page in a fresh
#: browser context (``locale`` also sets the Accept-Language header).
NewPage = Callable[..., Page]


@dataclass
class LiveServer:
    """The application served over HTTP on 127.0.0.1, on its own SQLite file."""

    url: str
    app: Flask
    #: questionnaire id -> wave slug of the demo area.
    slugs: dict[str, str]
    #: questionnaire id -> slug of a closed wave of the same published version.
    closed_slugs: dict[str, str] = field(default_factory=dict)

    def questionnaire(self, slug: str) -> Questionnaire:
        """The published definition behind a wave (what respondents see)."""
        from feedback_app import db
        from feedback_app.definitions import questionnaire_for
        from feedback_app.models import Wave

        with self.app.app_context():
            wave = db.session().scalar(select(Wave).where(Wave.slug == slug))
            assert wave is not None, slug
            return questionnaire_for(wave.version)


@contextlib.contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 (a free port) in a background thread; yields its URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        app.extensions["db_engine"].dispose()
