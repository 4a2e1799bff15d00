"""The population counts form: one whole-number box per group."""

from __future__ import annotations

from typing import Any, ClassVar

from flask_babel import gettext
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import Field, StringField
from wtforms.validators import ValidationError

from feedback_app.monitor.population import MAX_POPULATION
from feedback_app.monitor.representation import GroupOption

FIELD_PREFIX = "population_"


class PopulationNumber:
    """Blank (not known) or a whole number from 0; the number is kept on the field."""

    field_flags: ClassVar[dict[str, bool]] = {"required": False}

    def __call__(self, _form: FlaskForm, field: Field) -> None:
        text = (field.data or "").replace(",", "").replace(" ", "")
        if not text:
            field.number = None
            return
        if not text.isdigit() or len(text) > 9:
            raise ValidationError(
                gettext("Enter the number of families as a whole number, like 1200")
            )
        number = int(text)
        if number > MAX_POPULATION:
            raise ValidationError(
                gettext("Enter a number that is %(max)s or less", max=f"{MAX_POPULATION:,}")
            )
        field.number = number


def population_form(
    options: list[GroupOption], *, saved: dict[str, int], formdata: Any = None
) -> FlaskForm:
    """A box per option that describes a group (not "Don't know"), prefilled."""

    class PopulationForm(FlaskForm):
        pass

    for option in options:
        if option.in_base:
            field = StringField(
                option.label, widget=GovTextInput(), validators=[PopulationNumber()]
            )
            setattr(PopulationForm, FIELD_PREFIX + option.code, field)
    data = {FIELD_PREFIX + code: str(n) for code, n in saved.items()}
    return PopulationForm(formdata=formdata, data=data)


def entered(options: list[GroupOption], form: FlaskForm) -> dict[str, int | None]:
    """Category -> population (None: left blank) from a validated form."""
    return {
        o.code: getattr(form[FIELD_PREFIX + o.code], "number", None) for o in options if o.in_base
    }
