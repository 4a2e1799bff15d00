"""Fuzz every URL: each GET route of the URL map, each of its path arguments, its
query string, and every integer converter, as an administrator and signed out.

Issue 11 found 500s from a NUL in a path (psycopg ``DataError`` on PostgreSQL),
from ids beyond an INTEGER column (2^63 on SQLite, 2^31 on PostgreSQL) and from
CR/LF reaching a redirect. The rules checked here:

- never a 500, whatever the input;
- a control character anywhere in the path or query string: 400 (one check,
  ``feedback_app.web.security``, before any view or query runs);
- an integer argument beyond 2^31 - 1, or negative: 404 (``IdConverter``).

Routes and converters come from ``app.url_map``, so a new route is fuzzed the
moment it exists. The totals are printed (``-s``) for the closing note.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule
from werkzeug.routing.converters import NumberConverter

from feedback_app.web.security import LARGEST_ID
from tests.support.route_values import UPDATE_LIST, demo_route_values
from tests.support.staff import signed_in

#: Integer arguments: each must be a 404 (or, for the largest valid id, whatever an
#: unknown id gives), never a database error.
BIG_INTEGERS = [
    str(LARGEST_ID + 1),  # PostgreSQL INTEGER overflow
    str(2**63 - 1),
    str(2**63),  # SQLite overflow
    "1" + "0" * 40,
    "-1",
]
#: In any argument or query value: (raw text to put in the URL, must be a 400).
ANY_ARGUMENT = [
    ("%00", True),
    ("x%00y", True),
    ("%0d%0aX-Injected:%201", True),
    ("%0a", True),
    ("%1b%5b31m", True),
    ("%7f", True),
    ("%09", True),
    ("..%2F..%2F..%2Fetc%2Fpasswd", False),
    ("..", False),
    ("%2e%2e%5c%2e%2e%5cwindows", False),
    ("%E2%80%AEevil%E2%80%AC", False),
    ("%F0%9F%98%80%E0%A4%B9", False),
    ("%C0%AE%FF%FE", False),  # not UTF-8
    ("%25s%25n%25(x)s{0}{}", False),
    ("%7B%7B7*7%7D%7D", False),
    ("'%20OR%201=1--", False),
    ("a" * 3000, False),
    ("%2F%2Fevil.example", False),
]
#: Query parameters the application reads (and one it does not).
QUERY_NAMES = [
    "next", "code", "lang", "page", "format", "size", "by", "version", "download",
    "width", "change", "baseline", "follow_up", "publication", "timeout", "unknown",
]  # fmt: skip
QUERY_VALUES = [
    ("%00", True),
    ("%0d%0aX:1", True),
    (str(2**63), False),
    ("-1", False),
    ("%2F%2Fevil.example%2F", False),
    ("https://evil.example/", False),
    ("/%5Cevil.example", False),
    ("..%2F..%2F", False),
    ("%E2%80%AE%F0%9F%98%80", False),
    ("%C0%AE", False),
    ("", False),
    ("a" * 2000, False),
]
MARK_INT = 987654321
MARK_TEXT = "FUZZMARKX"


def _get_routes(app: Flask) -> list[Rule]:
    return sorted(
        (r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint != "static"),
        key=lambda r: r.rule,
    )


def _template(rule: Rule, values: dict[str, Any], arg: str | None) -> str:
    """The route's path with real values, and a marker where ``arg`` goes."""
    args: dict[str, Any] = {}
    for name, converter in rule._converters.items():
        is_int = isinstance(converter, NumberConverter)
        if name == arg:
            args[name] = MARK_INT if is_int else MARK_TEXT
        else:
            args[name] = values.get(name, 1 if is_int else "x")
    built = rule.build(args, append_unknown=False)
    assert built is not None
    return built[1]


class Tally:
    """Requests sent and what came back; problems are collected, not raised at once."""

    def __init__(self) -> None:
        self.sent = 0
        self.routes: set[str] = set()
        self.converters: set[tuple[str, str]] = set()
        self.problems: list[str] = []
        self.seconds: dict[str, float] = {}
        self.rule = ""

    def get(self, client: FlaskClient, url: str, *, who: str, expect: int | None) -> None:
        started = time.perf_counter()
        response = client.get(url)
        status = response.status_code
        response.close()
        self.seconds[self.rule] = self.seconds.get(self.rule, 0) + time.perf_counter() - started
        self.sent += 1
        where = f"{who} GET {url[:160]}: {status}"
        if status >= 500:
            self.problems.append(where)
        elif expect is not None and status != expect:
            self.problems.append(f"{where}, expected {expect}")


def _fuzz(
    app: Flask,
    client: FlaskClient,
    *,
    who: str,
    values: dict[str, Any],
    tally: Tally,
    full: bool,
) -> None:
    """GET every route with bad path arguments and query strings.

    ``full``: every payload. Otherwise (PostgreSQL, and signed-out visits to staff
    pages, which all stop at the sign-in redirect) the integers and the refused
    payloads only: what reaches the database or the shared checks.
    """
    for rule in _get_routes(app):
        tally.routes.add(rule.rule)
        tally.rule = rule.rule
        thorough = full and not (who == "anonymous" and rule.rule.startswith("/staff/<"))
        for arg, converter in rule._converters.items():
            template = _template(rule, values, arg)
            is_int = isinstance(converter, NumberConverter)
            marker = str(MARK_INT) if is_int else MARK_TEXT
            if is_int:
                tally.converters.add((rule.rule, arg))
                for number in BIG_INTEGERS:
                    tally.get(client, template.replace(marker, number), who=who, expect=404)
            payloads = ANY_ARGUMENT if thorough else [p for p in ANY_ARGUMENT if p[1]][:3]
            for raw, refused in payloads:
                tally.get(
                    client,
                    template.replace(marker, raw),
                    who=who,
                    expect=400 if refused else None,
                )
        base = _template(rule, values, None)
        # The refused values with a few names (one check, before any view); every
        # accepted value once, each with a different parameter (a page rendered).
        tries = [(name, v) for name in ("next", "code", "unknown") for v in QUERY_VALUES if v[1]]
        if thorough:
            shown = [v for v in QUERY_VALUES if not v[1]]
            tries += [(QUERY_NAMES[i % len(QUERY_NAMES)], v) for i, v in enumerate(shown)]
        for name, (raw, refused) in tries:
            tally.get(client, f"{base}?{name}={raw}", who=who, expect=400 if refused else None)


def test_every_route_argument_and_query_string_is_a_4xx_never_a_500(
    app: Flask, demo: dict[str, str]
) -> None:
    started = time.monotonic()
    on_postgres = app.config["DATABASE_URL"].startswith("postgresql")
    app.config.update(UPDATE_LIST)
    values = demo_route_values(app)
    tally = Tally()
    admin = signed_in(app.test_client(), "administrator@demo.example")
    _fuzz(app, admin.client, who="administrator", values=values, tally=tally, full=not on_postgres)
    assert admin.client.get("/staff/demo/").status_code == 200, "the fuzzing signed us out"
    # POST routes share the converters: a huge id or a NUL is a 404 / 400 there too.
    token = admin.csrf_token()
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint in {"staff.logout", "staff.login"}:
            continue
        tally.routes.add(rule.rule)
        for arg, converter in rule._converters.items():
            template = _template(rule, values, arg)
            is_int = isinstance(converter, NumberConverter)
            marker = str(MARK_INT) if is_int else MARK_TEXT
            tries = [(n, 404) for n in BIG_INTEGERS] if is_int else []
            if is_int:
                tally.converters.add((rule.rule, arg))
            for raw, expect in [*tries, ("%00", 400), ("%0d%0a", 400)]:
                response = admin.client.post(
                    template.replace(marker, raw), data={"csrf_token": token}
                )
                response.close()
                tally.sent += 1
                if response.status_code != expect:
                    tally.problems.append(f"POST {rule.rule} {raw}: {response.status_code}")
    _fuzz(app, app.test_client(), who="anonymous", values=values, tally=tally, full=not on_postgres)
    elapsed = time.monotonic() - started
    database = "postgresql" if on_postgres else "sqlite"
    print(
        f"url fuzz ({database}): {len(tally.routes)} routes, "
        f"{len(tally.converters)} integer converters, {tally.sent} requests, "
        f"{len(tally.problems)} problems, {elapsed:.1f} s"
    )
    slowest = sorted(tally.seconds.items(), key=lambda item: -item[1])[:8]
    print("slowest: " + ", ".join(f"{rule} {seconds:.1f} s" for rule, seconds in slowest))
    assert tally.problems == [], "\n".join(tally.problems[:40])
    assert len(tally.routes) >= 60 and len(tally.converters) >= 30


def test_the_reported_urls(app: Flask, demo: dict[str, str]) -> None:
    values = demo_route_values(app)
    anonymous = app.test_client()
    for url in ("/s/demo-event-feedback%00x", "/a/demo%00/feedback", "/s/x%00/q/y"):
        assert anonymous.get(url).status_code == 400, url
    crlf = anonymous.get("/%0d%0aX:1?lang=en")
    assert crlf.status_code == 400 and "X" not in crlf.headers
    admin = signed_in(app.test_client(), "administrator@demo.example").client
    for wave in (LARGEST_ID + 1, 2**63):
        assert admin.get(f"/staff/demo/waves/{wave}/share").status_code == 404
    assert admin.get(f"/staff/demo/waves/{values['wave_id']}/share").status_code == 200
