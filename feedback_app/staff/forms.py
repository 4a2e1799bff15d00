"""Staff forms. Validation messages are in plain words, GOV.UK style."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovTextInput,
)
from wtforms import EmailField, Form, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from feedback_app.staff.roles import ROLE_DESCRIPTIONS, ROLE_NAMES, Role
from feedback_app.web.choices import select_choices


class SignInForm(FlaskForm):
    """E-mail and password. Paste and password managers welcome."""

    email = EmailField(
        _l("Email address"),
        widget=GovTextInput(),
        validators=[InputRequired(_l("Enter your email address")), Length(max=320)],
    )
    password = PasswordField(
        _l("Password"),
        widget=GovPasswordInput(),
        validators=[InputRequired(_l("Enter your password")), Length(max=1000)],
    )


class SetPasswordForm(FlaskForm):
    """Choose a password through an invitation or reset link."""

    password = PasswordField(
        _l("Create a password"),
        description=_l(
            "Use at least 8 characters. A long phrase is easy to remember and hard to guess."
        ),
        widget=GovPasswordInput(),
        validators=[InputRequired(_l("Enter a password")), Length(max=1000)],
    )


class InviteForm(FlaskForm):
    """Invite someone to the area's workspace with a role."""

    email = EmailField(
        _l("Their email address"),
        description=_l("We do not send email. You will get a link to give them."),
        widget=GovTextInput(),
        validators=[InputRequired(_l("Enter their email address")), Length(max=320)],
    )
    role = RadioField(
        _l("What will they do?"),
        choices=select_choices((role.value, ROLE_NAMES[role]) for role in Role),
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Select a role"))],
    )

    @staticmethod
    def role_hints() -> list[dict[str, dict[str, str]]]:
        """Hints under each role option, in the same order as the choices."""
        return [{"hint": {"text": str(ROLE_DESCRIPTIONS[role])}} for role in Role]


def _iso_date(_form: object, field: StringField) -> None:
    text = (field.data or "").strip()
    if not text:
        field.data = ""
        return
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(_l("Enter a date like 2026-12-31")) from None
    field.data = text


class AuditFilterForm(Form):
    """Filters of the audit log, sent in the query string (a GET form: no CSRF)."""

    person = SelectField(_l("Person"), choices=[], default="", widget=GovSelect())
    kind = SelectField(_l("What"), choices=[], default="", widget=GovSelect())
    since = StringField(
        _l("From"),
        description=_l("For example, 2026-12-01"),
        widget=GovTextInput(),
        validators=[Optional(), Length(max=10), _iso_date],
    )
    until = StringField(
        _l("To"),
        description=_l("For example, 2026-12-31"),
        widget=GovTextInput(),
        validators=[Optional(), Length(max=10), _iso_date],
    )

    def date(self, field: StringField) -> dt.date | None:
        """A validated date field's value."""
        return dt.date.fromisoformat(field.data) if field.data else None


class SsoMappingForm(FlaskForm):
    """A claim value from the identity provider that gives a role in this area."""

    claim = SelectField(
        _l("Claim"),
        description=_l(
            "Use groups for Microsoft Entra ID security groups (their object ids),"
            " roles for app roles."
        ),
        widget=GovSelect(),
        choices=select_choices([(claim, claim) for claim in ("groups", "roles", "email", "sub")]),
        validators=[InputRequired(_l("Choose a claim"))],
    )
    value = StringField(
        _l("Value"),
        description=_l("The group's object id, the app role's value, or an email address."),
        widget=GovTextInput(),
        validators=[InputRequired(_l("Enter the value the claim must have")), Length(max=300)],
    )
    role = RadioField(
        _l("Role it gives in this area"),
        widget=GovRadioInput(),
        choices=select_choices((role.value, ROLE_NAMES[role]) for role in Role),
        validators=[InputRequired(_l("Choose a role"))],
    )
    creates_accounts = RadioField(
        _l("Make an account at the first sign-in of someone who has none?"),
        widget=GovRadioInput(),
        choices=select_choices(
            [("yes", _l("Yes")), ("no", _l("No, only for people already invited"))]
        ),
        default="no",
        validators=[InputRequired(_l("Choose whether accounts are made"))],
    )


class SsoOnlyForm(FlaskForm):
    """Whether the area's staff may sign in with a password."""

    sso_only = RadioField(
        _l("How do this area's staff sign in?"),
        widget=GovRadioInput(),
        choices=select_choices(
            [
                ("no", _l("With single sign-on or a password")),
                ("yes", _l("With single sign-on only")),
            ]
        ),
        validators=[InputRequired(_l("Choose how staff sign in"))],
    )


class CodeForm(FlaskForm):
    """A 6-digit code from an authenticator app (two-step sign-in, ADR 0038)."""

    code = StringField(
        _l("Code from your authenticator app"),
        description=_l("The 6-digit code your app shows now, for example 123456."),
        widget=GovTextInput(),
        validators=[InputRequired(_l("Enter the 6-digit code from your app")), Length(max=20)],
    )


class RecoveryCodeForm(FlaskForm):
    """One of the recovery codes given when two-step sign-in was turned on."""

    code = StringField(
        _l("Recovery code"),
        description=_l("One of the codes you saved, for example abcd-efgh-jkmn-pqrs."),
        widget=GovTextInput(),
        validators=[InputRequired(_l("Enter a recovery code")), Length(max=100)],
    )
