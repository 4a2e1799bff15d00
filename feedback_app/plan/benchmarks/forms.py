"""Forms of the benchmark pages: one figure, or a CSV of many."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovRadioInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from feedback_app.plan.forms import REAL_DATE, NumberField, filled_texts
from feedback_app.web.choices import select_choices
from feedback_app.web.forms import DatePartsField

#: Longest benchmark CSV read from a page.
MAX_CSV = 500_000


class BenchmarkForm(FlaskForm):
    """One published figure of a comparator for one period."""

    comparator = RadioField(
        _l("Compared with"),
        widget=GovRadioInput(),
        choices=select_choices(
            [
                ("england", _l("England")),
                ("region", _l("The region (give its name)")),
                ("neighbours", _l("Statistical neighbours' average")),
                ("neighbour", _l("One statistical neighbour (give the area's name)")),
            ]
        ),
        validators=[InputRequired(_l("Choose what the figure is for"))],
    )
    name = StringField(
        _l("Name of the region or neighbour area"),
        widget=GovTextInput(),
        description=_l("For example North West, or Wirral. Leave it empty for England."),
        validators=[Length(max=100)],
    )
    period = StringField(
        _l("Period"),
        widget=GovTextInput(),
        description=_l("As the publication names it, for example 2020 or 2020-Q1."),
        validators=[InputRequired(_l("Enter the period")), Length(max=40)],
    )
    date = DatePartsField(
        _l("Last day of the period"), blank_message=_l("Enter the date"), invalid_message=REAL_DATE
    )
    value = NumberField(
        _l("Figure (per cent for a percentage KPI)"),
        widget=GovTextInput(),
        validators=[InputRequired(_l("Enter the figure")), Length(max=30)],
    )
    source = StringField(
        _l("Source"),
        widget=GovTextInput(),
        description=_l("The publication, for example DfE SEND survey 2020."),
        validators=[InputRequired(_l("Enter the source")), Length(max=200)],
    )
    published_on = DatePartsField(
        _l("Publication date"),
        blank_message=_l("Enter the publication date"),
        invalid_message=REAL_DATE,
    )
    note = StringField(_l("Note"), widget=GovTextInput(), validators=[Length(max=500)])

    def figure(self) -> dict[str, Any]:
        """The figure as the plan file holds it."""
        return {
            "comparator": self.comparator.data,
            "period": self.period.data.strip(),
            "date": self.date.data.isoformat(),  # type: ignore[union-attr]
            "value": self.value.number,
            "published_on": self.published_on.data.isoformat(),  # type: ignore[union-attr]
        } | filled_texts(self, "name", "source", "note")


class BenchmarkUploadForm(FlaskForm):
    """A CSV of benchmark figures, uploaded or pasted."""

    csv_file = FileField(_l("Upload a CSV file"), widget=GovFileInput())
    text = TextAreaField(
        _l("Or paste the CSV"), widget=GovTextArea(), validators=[Length(max=MAX_CSV)]
    )
