"""``/healthz``: is this instance able to serve? For load balancers and monitors.

One cheap query (``SELECT 1``) through the process's pool: 200 ``{"status": "ok"}``
when the database answers, 503 ``{"status": "unavailable"}`` when it does not, so
a load balancer takes the instance out of rotation instead of sending people to
an error page. Nothing about the deployment is revealed.
"""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify
from sqlalchemy import text
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
