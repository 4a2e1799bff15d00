"""Every staff route refuses the roles and areas it should (a matrix over the URL map).

Routes are discovered from the application, so a new staff page is covered the
moment it is added with ``@requires(...)``.
"""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.routing import Rule
from werkzeug.routing.converters import NumberConverter

from feedback_app import db
from feedback_app.models import AuditEvent
from feedback_app.staff.roles import Permission, Role, allows
from tests.support.staff import make_area_with_staff, signed_in


def protected_routes(app: Flask) -> list[tuple[Rule, Permission]]:
    routes = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        permission = getattr(view, "required_permission", None)
        if permission is not None:
            routes.append((rule, permission))
    return sorted(routes, key=lambda pair: pair[0].rule)


def _url(rule: Rule, area_slug: str) -> str:
    values = {arg: 1 for arg in rule.arguments if arg != "area_slug"}
    for arg, converter in rule._converters.items():
        if arg != "area_slug" and not isinstance(converter, NumberConverter):
            values[arg] = "x"
    path = rule.build({"area_slug": area_slug, **values}, append_unknown=False)
    assert path is not None
    return path[1]


def test_every_staff_route_is_protected(app: Flask) -> None:
    unprotected = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/staff/<area_slug>")
        and getattr(app.view_functions[rule.endpoint], "required_permission", None) is None
    ]
    assert unprotected == []
    assert len(protected_routes(app)) >= 3


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_role_and_area_matrix(app: Flask, role: str) -> None:
    make_area_with_staff(app, "north")
    make_area_with_staff(app, "south")
    browser = signed_in(app.test_client(), f"{role}@north.example")
    token = browser.csrf_token()
    for rule, permission in protected_routes(app):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for area in ("north", "south"):
                url = _url(rule, area)
                if method == "GET":
                    response = browser.client.get(url)
                else:
                    response = browser.client.post(url, data={"csrf_token": token})
                where = f"{role} {method} {url}"
                if area == "south":
                    assert response.status_code == 404, where
                elif allows(role, permission):
                    assert response.status_code not in (401, 403), where
                    assert "/staff/login" not in (response.location or ""), where
                    assert response.status_code < 500, where
                else:
                    assert response.status_code == 403, where
    with app.app_context():
        refused = (
            db.session().scalars(select(AuditEvent).where(AuditEvent.action == "forbidden")).all()
        )
    assert refused, "refused access must be audited"


def test_signed_out_visitors_are_sent_to_sign_in(app: Flask) -> None:
    make_area_with_staff(app, "north")
    client = app.test_client()
    for rule, _permission in protected_routes(app):
        if "GET" in rule.methods:
            response = client.get(_url(rule, "north"))
            assert response.status_code == 302
            assert response.location.startswith("/staff/login")


#: Pages about one's own account, outside any area: every role reaches its own.
ACCOUNT_PAGES = ("/staff/account/two-step", "/staff/account/two-step/set-up")


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_role_reaches_its_own_two_step_settings_and_nobody_elses(
    app: Flask, role: str
) -> None:
    make_area_with_staff(app, "north")
    browser = signed_in(app.test_client(), f"{role}@north.example")
    for path in ACCOUNT_PAGES:
        response = browser.client.get(path, follow_redirects=True)
        assert response.status_code == 200, f"{role} {path}"
        assert f"{role}@north.example" in response.get_data(as_text=True), "their own account"
    signed_out = app.test_client()
    for path in (*ACCOUNT_PAGES, "/staff/login/code", "/staff/login/recovery-code"):
        response = signed_out.get(path)
        assert response.status_code == 302 and response.location.startswith("/staff/login"), path
