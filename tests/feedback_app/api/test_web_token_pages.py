"""The staff API tokens page: make a token (shown once), list, revoke; audited."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import select

from feedback_app import db
from feedback_app.models import ApiToken, AuditEvent, LocalArea
from tests.support.staff import make_area_with_staff, signed_in


def _read_waves(app: Flask, secret: str) -> int:
    """The status of an API read of north's waves with the token ``secret``."""
    headers = {"Authorization": f"Bearer {secret}"}
    return app.test_client().get("/api/areas/north/waves", headers=headers).status_code


def test_make_list_and_revoke_a_token(app: Flask) -> None:
    make_area_with_staff(app, "north")
    make_area_with_staff(app, "south")
    with app.app_context():
        ids = dict(db.session().execute(select(LocalArea.slug, LocalArea.id)).all())
    browser = signed_in(app.test_client(), "officer@north.example")
    page = browser.get("/staff/north/api-tokens")
    assert page.status_code == 200 and "You have no tokens" in page.get_data(as_text=True)
    # south is not offered: the officer has no role there.
    assert f'value="{ids["south"]}"' not in page.get_data(as_text=True)
    # Each group of choices is named by its legend (an empty legend names nothing).
    legends = re.findall(r"<legend[^>]*>\s*(.*?)\s*</legend>", page.get_data(as_text=True), re.S)
    assert legends == ["Areas it can read", "Expires after"]
    made = browser.client.post(
        "/staff/north/api-tokens",
        data={"csrf_token": browser.csrf_token(), "name": "Board dashboard",
              "areas": [str(ids["north"])], "lifetime": "365"},
    )  # fmt: skip
    assert made.status_code == 200 and made.headers["Cache-Control"] == "no-store"
    html = made.get_data(as_text=True)
    secret = html.split("Authorization: Bearer ")[1].split("<")[0].strip()
    assert len(secret) >= 40
    listed = browser.get("/staff/north/api-tokens").get_data(as_text=True)
    assert "Board dashboard" in listed and secret not in listed and "Never" in listed
    assert _read_waves(app, secret) == 200
    with app.app_context():
        token = db.session().scalars(select(ApiToken)).one()
        assert secret not in token.token_hash
        token_id = token.id
    revoked = browser.client.post(
        f"/staff/north/api-tokens/{token_id}/revoke", data={"csrf_token": browser.csrf_token()}
    )
    assert revoked.status_code == 302
    assert "Revoked" in browser.get("/staff/north/api-tokens").get_data(as_text=True)
    assert _read_waves(app, secret) == 401
    with app.app_context():
        actions = set(db.session().scalars(select(AuditEvent.action)))
    assert {"api_token_created", "api_token_revoked", "api_read", "api_refused"} <= actions


def test_bad_choices_are_refused_with_a_message_and_nothing_made(app: Flask) -> None:
    make_area_with_staff(app, "north")
    make_area_with_staff(app, "south")
    with app.app_context():
        ids = dict(db.session().execute(select(LocalArea.slug, LocalArea.id)).all())
    browser = signed_in(app.test_client(), "officer@north.example")
    token = browser.csrf_token()
    for data, message in (
        ({"name": "", "areas": [str(ids["north"])], "lifetime": "90"}, "Enter a name"),
        ({"name": "x", "lifetime": "90"}, "Choose at least one area"),
        (
            {"name": "x", "areas": [str(ids["south"])], "lifetime": "90"},
            "Choose areas from the list",
        ),
        ({"name": "x", "areas": [str(ids["north"])], "lifetime": "400"}, "Not a valid choice"),
    ):
        response = browser.client.post(
            "/staff/north/api-tokens", data={"csrf_token": token, **data}
        )
        assert response.status_code == 400, data
        assert message in response.get_data(as_text=True), data
    with app.app_context():
        assert db.session().scalars(select(ApiToken)).first() is None
    # Someone else's token cannot be revoked.
    other = signed_in(app.test_client(), "administrator@north.example")
    assert (
        other.client.post(
            "/staff/north/api-tokens/1/revoke", data={"csrf_token": other.csrf_token()}
        ).status_code
        == 404
    )
