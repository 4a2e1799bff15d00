"""The form that makes a personal access token (ADR 0036)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovRadioInput, GovTextInput
from wtforms import RadioField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from feedback_app.web.choices import select_choices

#: How long a token may be made for, in days (the longest is a year).
LIFETIMES = (30, 90, 180, 365)


class TokenForm(FlaskForm):
    """A token's name, the areas it reads and how long it lives."""

    name = StringField(
        _l("Name"),
        description=_l("Say what will use it, for example “Power BI board dashboard”."),
        widget=GovTextInput(),
        validators=[InputRequired(_l("Enter a name for the token")), Length(max=100)],
    )
    areas = SelectMultipleField(
        _l("Areas it can read"),
        description=_l("Only areas where you can see results."),
        widget=GovCheckboxesInput(),
        coerce=str,
        validate_choice=False,
    )
    lifetime = RadioField(
        _l("Expires after"),
        widget=GovRadioInput(),
        choices=select_choices(
            [
                ("30", _l("30 days")),
                ("90", _l("90 days")),
                ("180", _l("180 days")),
                ("365", _l("1 year")),
            ]
        ),
        default="90",
        validators=[InputRequired(_l("Choose when the token expires"))],
    )

    def __init__(self, *args: Any, areas: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.areas.choices = select_choices(areas)

    def validate_areas(self, field: SelectMultipleField) -> None:
        allowed = {choice.value for choice in field.choices}
        if not field.data:
            raise ValidationError(_l("Choose at least one area"))
        if any(value not in allowed for value in field.data):
            raise ValidationError(_l("Choose areas from the list"))

    def area_ids(self) -> list[int]:
        """The chosen areas' ids (after validation)."""
        return sorted({int(value) for value in self.areas.data or []})
