"""``/healthz``: is this instance able to serve? For load balancers and monitors.

One cheap query (``SELECT 1``) through the process's pool: 200 ``{"status": "ok"}``
when the database answers, 503 ``{"status": "unavailable"}`` when it does not, so
a load balancer takes the instance out of rotation instead of sending people to
an error page. Nothing about the deployment is revealed.

``warm_up`` readies a process before it serves: gunicorn calls it in the master
(deploy/gunicorn.conf.py), so every forked worker, including one replaced after
a crash, starts with templates compiled, the open waves' questionnaires
parsed, the libraries of the results pages and documents imported (pandas,
scipy, WeasyPrint, openpyxl, TextBlob: ``RESULTS_LIBRARIES``) and the first-name
list of free-text redaction read. Measured: a cold
worker's first survey page took about 0.7 s; its first board report PDF 4.5 s,
1.6 s of it importing (``bench/board_pdf_bench.py``). ``create_app()`` itself
still imports none of them (tests/project/test_startup_imports.py): the command
line and the tests start light, and only the gunicorn master pays, once.
"""

from __future__ import annotations

import importlib
import logging

from flask import Blueprint, Flask, jsonify
from jinja2 import TemplateError
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response as HttpResponse

from feedback_app import db

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
def healthz() -> tuple[HttpResponse, int]:
    try:
        db.session().execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError) as error:
        log.warning("health check failed: database unavailable (%s)", type(error).__name__)
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok"), 200


#: Imported by ``warm_up`` so a forked worker's first results page, PDF, workbook
#: or themes page does not import them (each is loaded on first use otherwise).
RESULTS_LIBRARIES = (
    "pandas",
    "scipy.stats",
    "scipy.optimize",
    "weasyprint",
    "openpyxl",
    "textblob",
    "analysis.comparison",
    "analysis.disclosure",
    "feedback_app.results.downloads.board_report",
)


def warm_up(app: Flask) -> dict[str, int]:
    """Compile every template, import the results libraries, read the redaction's
    name list and parse every open wave's questionnaire, once.

    Best effort: a database that is not reachable yet only skips the last part,
    a library that cannot be imported is left to fail where it is used. Returns
    what was done (for the log). Leaves no connection open.
    """
    from feedback_app.definitions import questionnaire_for
    from feedback_app.models import Wave
    from feedback_app.translating import content_translation

    done = {"templates": 0, "libraries": 0, "first_names": 0, "questionnaires": 0}
    for module in RESULTS_LIBRARIES:
        try:
            importlib.import_module(module)
        except ImportError as error:
            log.warning("warm-up could not import %s (%s)", module, error)
            continue
        done["libraries"] += 1
    # The first-name list free-text redaction reads from Faker's sources (about a
    # second): every download, themes page and board report quote needs it.
    from analysis.redaction import first_names

    done["first_names"] = len(first_names())
    for name in app.jinja_env.list_templates(filter_func=lambda n: n.endswith(".html")):
        try:
            app.jinja_env.get_template(name)
        except TemplateError:
            continue
        done["templates"] += 1
    engine = app.extensions["db_engine"]
    try:
        with app.app_context():
            session = db.session()
            for wave in session.scalars(select(Wave)):
                if not wave.is_open():
                    continue
                questionnaire = questionnaire_for(wave.version)
                content_translation.offered_languages(
                    session, version_id=wave.version_id, questionnaire=questionnaire
                )
                done["questionnaires"] += 1
    except (SQLAlchemyError, OSError) as error:
        log.warning("warm-up skipped the database (%s)", type(error).__name__)
    finally:
        engine.dispose()
    return done
