"""Staff forms. Validation messages are in plain words, GOV.UK style."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from wtforms import Form, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from feedback_app.staff.roles import ROLE_DESCRIPTIONS, ROLE_NAMES, Role
from feedback_app.web.choices import select_choices
from feedback_app.web.forms import email_input, password_input, radios, text_input

#: Each role, as a choice.
_ROLE_CHOICES = [(role.value, ROLE_NAMES[role]) for role in Role]


class SignInForm(FlaskForm):
    """E-mail and password. Paste and password managers welcome."""

    email = email_input(
        _l("Email address"), required=InputRequired(_l("Enter your email address")), max_length=320
    )
    password = password_input(
        _l("Password"), required=InputRequired(_l("Enter your password")), max_length=1000
    )


class SetPasswordForm(FlaskForm):
    """Choose a password through an invitation or reset link."""

    password = password_input(
        _l("Create a password"),
        description=_l(
            "Use at least 8 characters. A long phrase is easy to remember and hard to guess."
        ),
        required=InputRequired(_l("Enter a password")),
        max_length=1000,
    )


class InviteForm(FlaskForm):
    """Invite someone to the area's workspace with a role."""

    email = email_input(
        _l("Their email address"),
        description=_l("We do not send email. You will get a link to give them."),
        required=InputRequired(_l("Enter their email address")),
        max_length=320,
    )
    role = radios(
        _l("What will they do?"), _ROLE_CHOICES, required=InputRequired(_l("Select a role"))
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
    value = text_input(
        _l("Value"),
        description=_l("The group's object id, the app role's value, or an email address."),
        required=InputRequired(_l("Enter the value the claim must have")),
        max_length=300,
    )
    role = radios(
        _l("Role it gives in this area"),
        _ROLE_CHOICES,
        required=InputRequired(_l("Choose a role")),
    )
    creates_accounts = radios(
        _l("Make an account at the first sign-in of someone who has none?"),
        [("yes", _l("Yes")), ("no", _l("No, only for people already invited"))],
        required=InputRequired(_l("Choose whether accounts are made")),
        default="no",
    )


class SsoOnlyForm(FlaskForm):
    """Whether the area's staff may sign in with a password."""

    sso_only = radios(
        _l("How do this area's staff sign in?"),
        [("no", _l("With single sign-on or a password")), ("yes", _l("With single sign-on only"))],
        required=InputRequired(_l("Choose how staff sign in")),
    )


class CodeForm(FlaskForm):
    """A 6-digit code from an authenticator app (two-step sign-in, ADR 0038)."""

    code = text_input(
        _l("Code from your authenticator app"),
        description=_l("The 6-digit code your app shows now, for example 123456."),
        required=InputRequired(_l("Enter the 6-digit code from your app")),
        max_length=20,
    )


class RecoveryCodeForm(FlaskForm):
    """One of the recovery codes given when two-step sign-in was turned on."""

    code = text_input(
        _l("Recovery code"),
        description=_l("One of the codes you saved, for example abcd-efgh-jkmn-pqrs."),
        required=InputRequired(_l("Enter a recovery code")),
        max_length=100,
    )
