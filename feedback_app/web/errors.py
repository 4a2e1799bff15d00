"""Plain-words error pages: every failure a respondent can cause is a 4xx page."""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

MESSAGES = {
    400: (_l("Sorry, there is a problem with that request"), _l("Go back and try again.")),
    403: (_l("You cannot see this page"), _l("You do not have permission to see this page.")),
    404: (
        _l("Page not found"),
        _l(
            "If you typed the web address, check it is correct. "
            "If you followed a link, it may be old."
        ),
    ),
    405: (_l("Sorry, there is a problem with that request"), _l("Go back and try again.")),
    410: (_l("This page has gone"), _l("The page you are looking for is no longer here.")),
    413: (
        _l("Sorry, that was too much to send"),
        _l("Your answer was too long. Go back, make it shorter and try again."),
    ),
    429: (
        _l("Sorry, there have been too many attempts"),
        _l("Wait a few minutes and try again."),
    ),
}


def problem_response(status: int, title: str, detail: str) -> Response:
    """RFC 9457 problem details (``application/problem+json``): the results API's errors."""
    response = jsonify({"type": "about:blank", "title": title, "status": status, "detail": detail})
    response.status_code = status
    response.mimetype = "application/problem+json"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="results"'
    return response


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)


def _csrf_error(_error: CSRFError) -> tuple[str, int]:
    return (
        render_template(
            "error.html",
            heading=_l("Sorry, your page timed out"),
            message=_l(
                "We could not accept what you sent because the page was out of date. "
                "Your earlier answers are saved. Go back, reload the page and try again."
            ),
        ),
        400,
    )


def _http_error(error: HTTPException) -> tuple[str, int] | tuple[str, int, dict[str, str]]:
    code = error.code or 500
    if code >= 500:
        return _unexpected_error(error)
    if request.path.startswith("/api/"):
        # The results API answers in JSON problem details, even for a URL it lacks.
        response = problem_response(code, error.name, error.description or "")
        for name, value in error.get_headers():
            if name.lower() != "content-type":  # e.g. Allow on a 405
                response.headers[name] = value
        return response  # type: ignore[return-value]
    if isinstance(error, SecurityError):
        # A Host outside TRUSTED_HOSTS: no URL can be built for this request, so the
        # page template (which links assets) cannot be rendered. Plain text instead.
        heading = str(MESSAGES[400][0])
        return f"{heading}\n", 400, {"Content-Type": "text/plain; charset=utf-8"}
    heading, message = MESSAGES.get(code, MESSAGES[400])
    return render_template("error.html", heading=heading, message=message), code


def _unexpected_error(error: Exception) -> tuple[str, int]:
    # Logged without the request body: answers never reach the logs.
    current_app.logger.error("unexpected error: %s", type(error).__name__, exc_info=error)
    return (
        render_template(
            "error.html",
            heading=_l("Sorry, there is a problem with the service"),
            message=_l("Try again later. Answers you have already saved are kept."),
        ),
        500,
    )
