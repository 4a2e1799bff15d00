"""Fuzz every form: hypothesis-generated values posted to every POST route.

Routes come from ``app.url_map`` (every rule accepting POST); their fields from the
forms found on every GET page (crawled the same way), plus unknown fields. Values:
wrong types, huge and empty strings, unicode, right-to-left marks, null bytes,
repeated fields; CSRF tokens valid, missing, garbled, or replayed from another
session. Staff routes are posted as an administrator, respondent routes as a
respondent part-way through a survey.

Every request: never a 500. Every refused request (4xx): no table changed (row
counts of every table compared before and after), so nothing was half written.

Examples per form: HYPOTHESIS_PROFILE=ci (default, 25 on SQLite, 3 on PostgreSQL)
or HYPOTHESIS_PROFILE=bench (250; ``make bench``).
"""

from __future__ import annotations

import os
import time
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from feedback_app import db
from tests.support.browser import PageBrowser
from tests.support.data_protection_rows import snapshot
from tests.support.route_values import UPDATE_LIST, build_url, demo_route_values, find_forms
from tests.support.staff import signed_in

settings.register_profile(
    "ci",
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
settings.register_profile(
    "bench", max_examples=250, deadline=None, suppress_health_check=list(HealthCheck)
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
if PROFILE not in ("ci", "bench"):
    PROFILE = "ci"

#: Routes that end the session or would stop the rest of the run from being fuzzed.
NOT_FUZZED = {"staff.logout", "staff.login"}
#: POST routes that take no form token, and why. A request without one may be
#: answered, but must still write nothing when the token in its URL is not real.
CSRF_EXEMPT = {
    # RFC 8058: a mail program's one-click "unsubscribe" posts no form token; the
    # leave link's own token is the proof (ADR 0039).
    "updates_public.leave",
}

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202eevil\u202c",
    "\u200f\u0645\u0631\u062d\u0628\u0627",
    "\ufeff",
    "\ud7ff\U0001f600\U0001d518",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    '=HYPERLINK("http://x")',
    "-1",
    "0",
    "1e309",
    "NaN",
    "99999999999999999999999",
    "2024-02-30",
    "true",
    "[]",
    "{}",
    "../../etc/passwd",
    "%s%n",
    "x" * 5000,
]

values = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.integers().map(str),
    st.builds(lambda n: "\u05d0" * n, st.integers(min_value=10_000, max_value=120_000)),
)
field_values = st.one_of(values, st.lists(values, min_size=2, max_size=3))
csrf_modes = st.sampled_from(["valid", "valid", "valid", "missing", "garbled", "replayed", "json"])


def _discover(
    app: Flask, staff: FlaskClient, respondent: FlaskClient, route_values: dict[str, Any]
):  # type: ignore[no-untyped-def]
    """POST routes with their URLs, and the field names each form posts."""
    fields: dict[str, set[str]] = {}
    posts = []
    for rule in app.url_map.iter_rules():
        url = build_url(rule, route_values)
        client = staff if url.startswith("/staff/") else respondent
        if "GET" in rule.methods and rule.endpoint != "static":
            page = client.get(url)
            if page.mimetype == "text/html":
                for action, names in find_forms(page.get_data(as_text=True), url).forms.items():
                    fields.setdefault(action, set()).update(names)
            page.close()
        if "POST" in rule.methods and rule.endpoint not in NOT_FUZZED:
            posts.append((rule.endpoint, url))
    return sorted(posts), fields


def _token(client: FlaskClient, path: str) -> str:
    browser = PageBrowser(client)
    browser.get(path)
    return browser.csrf_token()


def _fuzz_route(
    app: Flask,
    client: FlaskClient,
    *,
    where: str,
    url: str,
    known: list[str],
    tokens: dict[str, str | None],
    examples: int,
    exempt: bool = False,
) -> int:
    """Post ``examples`` generated forms to ``url``; return how many were sent."""
    sent = 0

    @settings(settings.get_profile(PROFILE), max_examples=examples)
    @given(
        data=st.fixed_dictionaries(
            {},
            optional={name: field_values for name in known}
            | {"unknown_field": field_values, "csrf_token ": values},
        ),
        csrf=csrf_modes,
    )
    # Always tried, whatever the profile: a null byte in every field (PostgreSQL
    # refuses NUL in text, so it must be turned away before it reaches the database).
    @example(data={name: "a\x00b" for name in known}, csrf="valid")
    def post_once(data: dict[str, Any], csrf: str) -> None:
        nonlocal sent
        with app.app_context():
            before = snapshot(db.session())
        if csrf == "json":
            response = client.post(url, json=data)
        else:
            form = dict(data)
            if tokens[csrf] is not None:
                form["csrf_token"] = tokens[csrf]
            response = client.post(url, data=form)
        status = response.status_code
        response.close()
        sent += 1
        what = f"{where} csrf={csrf}: {status}"
        assert status < 500, what
        if csrf != "valid" and not exempt:
            assert status in (400, 413), what
        if 400 <= status < 500 or exempt:
            with app.app_context():
                after = snapshot(db.session())
            # Refused: nothing written, the audit log of refusals and the throttle's
            # count of failed attempts (a wrong resume code must count) aside.
            for counted in ("audit_event", "login_throttle"):
                before.pop(counted), after.pop(counted)
            assert after == before, what

    post_once()
    return sent


def test_every_form_refuses_bad_input_without_a_500_or_a_partial_write(
    app: Flask, demo: dict[str, str]
) -> None:
    started = time.monotonic()
    on_postgres = app.config["DATABASE_URL"].startswith("postgresql")
    examples = 3 if on_postgres else settings.get_profile(PROFILE).max_examples
    app.config.update(UPDATE_LIST)
    route_values = demo_route_values(app)
    start_page = f"/s/{route_values['slug']}"
    admin = signed_in(app.test_client(), "administrator@demo.example")
    respondent = PageBrowser(app.test_client())
    respondent.get(start_page)
    respondent.post(f"{start_page}/start")
    posts, fields = _discover(app, admin.client, respondent.client, route_values)
    assert len(posts) >= 20, posts
    assert sum(1 for _endpoint, url in posts if fields.get(url)) >= 10, "forms not found"
    stranger_token = _token(app.test_client(), start_page)  # another session's token
    tried: dict[str, int] = {}
    for endpoint, url in posts:
        if url.startswith("/staff/"):
            client, own_token = admin.client, _token(admin.client, "/staff/demo/")
        else:
            # The session's token, from a page that has a form whatever the staff
            # fuzzing did to the wave (closed: its start page has none).
            client = respondent.client
            own_token = _token(client, "/a/demo/updates" if "updates" in endpoint else start_page)
        route_started = time.monotonic()
        tried[endpoint] = _fuzz_route(
            app,
            client,
            where=f"{endpoint} {url}",
            url=url,
            known=sorted(fields.get(url, set()) - {"csrf_token"}) or ["value"],
            tokens={
                "valid": own_token,
                "missing": None,
                "garbled": own_token[::-1],
                "replayed": stranger_token,
                "json": None,
            },
            examples=examples,
            exempt=endpoint in CSRF_EXEMPT,
        )
        print(f"{endpoint}: {time.monotonic() - route_started:.1f} s")
        # Make sure later routes are still fuzzed signed in.
        if client is admin.client and admin.client.get("/staff/demo/").status_code != 200:
            admin = signed_in(app.test_client(), "administrator@demo.example")
    elapsed = time.monotonic() - started
    total = sum(tried.values())
    print(f"fuzzed {len(tried)} POST routes with {total} requests in {elapsed:.1f} s")
    assert len(tried) == len(posts)
