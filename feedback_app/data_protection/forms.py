"""The confirmation form: type the name of what is being deleted."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import Field, StringField
from wtforms.validators import InputRequired, Length, ValidationError


def _words(text: str) -> str:
    # Extra spaces (a double space, a trailing space from copy and paste) do not count.
    return " ".join(text.split())


class MatchesName:
    """The typed text must be the name, apart from extra spaces."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, _form: FlaskForm, field: Field) -> None:
        if _words(field.data or "") != _words(self.name):
            raise ValidationError(_l("Enter the name exactly as it is shown"))


def confirm_form(name: str, *, label: str) -> FlaskForm:
    """A form with one box where the person types ``name`` to confirm."""

    class ConfirmDeletionForm(FlaskForm):
        confirm_name = StringField(
            label,
            widget=GovTextInput(),
            validators=[
                InputRequired(_l("Enter the name to confirm")),
                Length(max=400, message=_l("Enter the name exactly as it is shown")),
                MatchesName(name),
            ],
        )

    return ConfirmDeletionForm()
