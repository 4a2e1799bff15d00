"""Schemathesis runs the API's own OpenAPI document against the app in-process (WSGI):
no request gives a 500, every response matches its schema (status, content type,
body), and no response holds a suppressed cell (a custom check on every response).

One module-scoped app (SQLite) with the demo area and three closed waves of
results, so the board report behind the KPI endpoints is computed once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from feedback_app import db
from feedback_app.api.openapi import document
from tests.feedback_app.api.published import suppression_problems
from tests.support.api import demo_app, demo_officer_token


@pytest.fixture(scope="module")
def api_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, str]]:
    from feedback_app.demo.results import load_demo_results

    path: Path = tmp_path_factory.mktemp("api") / "api.sqlite"
    app = demo_app(f"sqlite:///{path}", "demo", "north")
    with app.app_context():
        session = db.session()
        load_demo_results(session, responses_per_wave=40)
        secret = demo_officer_token(session, "schemathesis")
        session.commit()
    schema.app = app  # every request, probes included, goes to the app in-process (WSGI)
    yield app, secret
    app.extensions["db_engine"].dispose()


#: The document the app serves at /api/openapi.json (the same function builds it;
#: ``test_the_served_document_is_this_one`` checks). Loaded at import, as
#: schemathesis' lazy fixture loader does not work with pytest 9.
schema = schemathesis.openapi.from_dict(document())


@schemathesis.check
def no_suppressed_cell(ctx: Any, response: Any, case: Any) -> bool | None:
    """No count of 1 to 4, and no withheld cell recoverable from its table's total."""
    if response.status_code == 200 and "json" in response.headers.get("Content-Type", [""])[0]:
        problems = suppression_problems(case.operation.path, response.json())
        assert not problems, problems
    return None


@schema.parametrize()
@settings(max_examples=6, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_the_api_matches_its_openapi_document(case: Any, api_app: tuple[Flask, str]) -> None:
    app, secret = api_app
    # Mostly the token's own area (figures to check), sometimes another.
    slug = (case.path_parameters or {}).get("area_slug")
    if slug is not None and not slug.startswith("n"):
        case.path_parameters["area_slug"] = "demo"
    case.operation.schema.app = app  # probes (e.g. without the token) go in-process too
    case.call_and_validate(
        # The WSGI transport does not undo gzip; real clients (Power BI) do.
        headers={"Authorization": f"Bearer {secret}", "Accept-Encoding": "identity"},
        additional_checks=[no_suppressed_cell],
        # The document cannot say "follow-up waves that share a KPI question with the
        # baseline": such a choice is a 400 with a message, as on the Downloads page.
        excluded_checks=[positive_data_acceptance],
        app=app,
    )


def test_the_document_covers_every_api_route(api_app: tuple[Flask, str]) -> None:
    app, _secret = api_app
    served = app.test_client().get("/api/openapi.json").json
    assert served["openapi"].startswith("3.1")
    routes = {
        rule.rule.replace("<area_slug>", "{area_slug}").replace("<int:wave_id>", "{wave_id}")
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/areas/")
    }
    assert routes == set(served["paths"])


def test_the_served_document_is_this_one(api_app: tuple[Flask, str]) -> None:
    assert api_app[0].test_client().get("/api/openapi.json").json == document()
