"""Forms of the plan pages. Each posts one change; the plan parser checks the result."""

from __future__ import annotations

import math
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovSelect,
)
from wtforms import Field, SelectField, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from feedback_app.web.choices import select_choices
from feedback_app.web.forms import DatePartsField, radios, text_area, text_input
from surveys.library import PLAN_TEMPLATES

#: Longest plan file read from a page (the parser's own limit is 100 KB).
MAX_TEXT = 100_000
WORDS = 300


def _finite(value: str) -> float:
    number = float(value.replace(",", "").replace("%", "").strip())
    if not math.isfinite(number) or abs(number) > 1e9:
        raise ValueError(value)
    return number


def filled_texts(form: FlaskForm, *names: str) -> dict[str, str]:
    """The named text fields that are filled in, stripped (an empty one is left out)."""
    texts = {name: (getattr(form, name).data or "").strip() for name in names}
    return {name: text for name, text in texts.items() if text}


class NumberField(StringField):
    """A number typed as text ("38.5", "1,000", "38.5%"); ``number`` holds it."""

    number: float | None = None

    def post_validate(self, form: Any, validation_stopped: bool) -> None:
        self.number = None
        text = (self.data or "").strip()
        if not text or validation_stopped:
            return
        try:
            self.number = _finite(text)
        except ValueError:
            raise ValidationError(_l("Enter a number, like 38.5")) from None


#: What a date that does not exist is told (the field checks it, web/forms.py).
REAL_DATE = _l("Enter a real date, like 18 12 2019")
#: Longest number typed.
NUMBER_LENGTH = 30


def number_input(label: Any, *, max_length: int = NUMBER_LENGTH, **limits: Any) -> Any:
    """A :class:`NumberField` in a GOV.UK text input, with ``web.forms.text_input``'s
    keywords (``required`` or ``optional``, ``description``)."""
    return text_input(label, field=NumberField, max_length=max_length, **limits)


def period_name(description: Any) -> Any:
    """The name of a period of a figure (required), as its ``description`` says."""
    return text_input(
        _l("Period"),
        description=description,
        required=InputRequired(_l("Enter the period")),
        max_length=40,
    )


def period_end() -> DatePartsField:
    """The last day of a figure's period (required)."""
    return DatePartsField(
        _l("Last day of the period"), blank_message=_l("Enter the date"), invalid_message=REAL_DATE
    )


class PlanStartForm(FlaskForm):
    """Start a plan: empty or from a bundled template, re-dated to its start."""

    template = radios(
        _l("How do you want to start?"),
        [("", _l("An empty plan")), *((n, n) for n in PLAN_TEMPLATES)],
        default="",
    )
    starts_on = DatePartsField(_l("When does the plan start?"), invalid_message=REAL_DATE)


class PlanDetailsForm(FlaskForm):
    """The plan's title and start date."""

    title = text_input(
        _l("Title of the plan"),
        required=InputRequired(_l("Enter the title of the plan")),
        max_length=200,
    )
    starts_on = DatePartsField(_l("Start date"), invalid_message=REAL_DATE)

    def header(self, before: dict[str, Any]) -> dict[str, Any]:
        """The plan's header (``before`` with the title and start date changed)."""
        header = {**before, "title": self.title.data.strip()}
        header.pop("starts_on", None)
        if self.starts_on.data:
            header["starts_on"] = self.starts_on.data.isoformat()
        return header


class BaselineForm(FlaskForm):
    """A KPI's agreed baseline: a ratified figure, its base, date, source and who agreed."""

    value = number_input(
        _l("Agreed baseline"),
        description=_l("A percentage for survey KPIs and proportions (38.5), else the value."),
        required=InputRequired(_l("Enter the agreed baseline")),
    )
    base = number_input(_l("Base (how many it was measured on), if known"), optional=True)
    date = DatePartsField(_l("Date it was measured or agreed"), invalid_message=REAL_DATE)
    source = text_input(_l("Source"), max_length=WORDS)
    agreed_by = text_input(
        _l("Agreed by (for example the SEND Improvement Board)"), max_length=WORDS
    )

    def validate_base(self, field: NumberField) -> None:
        text = (field.data or "").strip()
        if text and not text.replace(",", "").isdigit():
            raise ValidationError(_l("Enter the base as a whole number, like 1000"))

    def agreed_baseline(self) -> dict[str, Any]:
        """The agreed baseline as the plan file holds it."""
        value: dict[str, Any] = {"value": self.value.number}
        if self.base.number is not None:
            value["base"] = int(self.base.number)
        if self.date.data:
            value["date"] = self.date.data.isoformat()
        return value | filled_texts(self, "source", "agreed_by")


class WaveBaselineForm(FlaskForm):
    """Take a KPI's agreed baseline from a closed wave's figure (the wave's id)."""

    wave = StringField(validators=[InputRequired(_l("Choose the wave")), Length(max=20)])


RULE_CHOICES = select_choices(
    [
        ("baseline_plus_pp", _l("Baseline plus points (or units)")),
        ("baseline_plus_relative", _l("Baseline plus a per cent of the baseline")),
        ("absolute", _l("A set level")),
        ("higher_of", _l("A level or a benchmark, whichever is the higher")),
        ("lower_of", _l("A level or a benchmark, whichever is the lower")),
    ]
)


class TargetForm(FlaskForm):
    """One staged target: its rule, value and due date."""

    rule = SelectField(
        _l("Rule"),
        widget=GovSelect(),
        choices=RULE_CHOICES,
        validators=[InputRequired(_l("Choose the rule"))],
    )
    value = number_input(
        _l("Value"),
        description=_l("Points, per cent or the level, as the rule says (10, 15, 80)."),
        required=InputRequired(_l("Enter the value")),
    )
    benchmark = text_input(
        _l("Benchmark (for the higher or lower of a level and a benchmark)"), max_length=WORDS
    )
    due_on = DatePartsField(_l("Due date"), invalid_message=REAL_DATE)
    due_months = text_input(_l("Or: months from the plan's start"), optional=True, max_length=4)
    label = text_input(_l("Name of the stage (for example 18 months, Dec-20)"), max_length=WORDS)

    def validate_due_months(self, field: Field) -> None:
        text = (field.data or "").strip()
        if text and (not text.isdigit() or not 1 <= int(text) <= 240):
            raise ValidationError(_l("Enter the months as a whole number from 1 to 240"))

    def target(self) -> dict[str, Any]:
        """The staged target as the plan file holds it."""
        target: dict[str, Any] = {"rule": self.rule.data, "value": self.value.number}
        if self.due_on.data:
            target["due_on"] = self.due_on.data.isoformat()
        if (self.due_months.data or "").strip():
            target["due_months"] = int(self.due_months.data.strip())
        return target | filled_texts(self, "benchmark", "label")


class ValueForm(FlaskForm):
    """One period's value of an entered measure."""

    period = period_name(_l("As the plan names it, for example 2019-Q4 or Dec-19."))
    date = period_end()
    numerator = number_input(
        _l("Numerator (for a proportion: how many met the measure)"), optional=True
    )
    denominator = number_input(_l("Denominator (for a proportion: out of how many)"), optional=True)
    value = number_input(_l("Value (for a measure with a unit, such as weeks)"), optional=True)
    source = text_input(_l("Source"), max_length=WORDS)
    note = text_input(_l("Note"), max_length=WORDS)

    def entered(self) -> dict[str, Any]:
        """The entered figure for one period as the plan file holds it."""
        entered: dict[str, Any] = {
            "period": self.period.data.strip(),
            "date": self.date.data.isoformat(),  # type: ignore[union-attr]
        }
        for key in ("numerator", "denominator"):
            number = getattr(self, key).number
            if number is not None:
                entered[key] = int(number) if number == int(number) else number
        if self.value.number is not None:
            entered["value"] = self.value.number
        return entered | filled_texts(self, "source", "note")


class KpiForm(FlaskForm):
    """A new KPI: measured by a survey question, or entered."""

    kind = radios(
        _l("How is it measured?"),
        [("survey", _l("By a survey question")), ("entered", _l("Entered each period"))],
        required=InputRequired(_l("Choose how it is measured")),
    )
    kpi_id = text_input(
        _l("Short id"),
        description=_l("Lower-case letters, digits and underscores, for example kpi_4_1."),
        required=InputRequired(_l("Enter a short id")),
        max_length=60,
    )
    reference = text_input(_l("Reference in the plan (for example KPI 4/1)"), max_length=60)
    title = text_input(
        _l("Measure"), required=InputRequired(_l("Enter what the KPI measures")), max_length=WORDS
    )
    question = text_input(_l("Survey KPIs: the question id"), max_length=60)
    positive = text_input(
        _l("Survey KPIs: the answers counted as positive, separated by commas"), max_length=WORDS
    )
    measure = radios(
        _l("Entered KPIs: what is entered"),
        [
            ("proportion", _l("A proportion (numerator and denominator)")),
            ("value", _l("A value with a unit")),
        ],
        optional=True,
    )
    unit = text_input(_l("Unit (for example weeks)"), max_length=40)
    direction = radios(
        _l("Which is better?"),
        [("higher", _l("Higher is better")), ("lower", _l("Lower is better"))],
        required=InputRequired(_l("Choose which is better")),
        default="higher",
    )
    frequency = text_input(_l("Frequency (for example annually, quarterly)"), max_length=40)

    def kpi(self) -> dict[str, Any]:
        """The new KPI as the plan file holds it."""
        item: dict[str, Any] = {
            "id": self.kpi_id.data.strip(),
            "kind": self.kind.data,
            "title": self.title.data.strip(),
            "higher_is_better": self.direction.data != "lower",
        } | filled_texts(self, "reference", "frequency", "unit")
        if self.kind.data == "survey":
            item["question"] = (self.question.data or "").strip()
            item["positive"] = [
                c.strip() for c in (self.positive.data or "").split(",") if c.strip()
            ]
        elif self.measure.data:
            item["measure"] = self.measure.data
        return item


class ImportForm(FlaskForm):
    """A plan file, uploaded (YAML, or a spreadsheet laid out like Appendix A: XLSX or
    CSV; the name's ending says which) or pasted (YAML), to replace the plan."""

    plan_file = FileField(
        _l("Upload a plan file (.yaml, .xlsx or .csv)"),
        description=_l(
            "A spreadsheet needs the columns this product exports: download the plan as "
            "a spreadsheet to start from it."
        ),
        widget=GovFileInput(),
    )
    text = text_area(_l("Or paste the plan"), max_length=MAX_TEXT, strip=False)


class ValuesUploadForm(FlaskForm):
    """A CSV of one entered KPI's values, one row per period."""

    values_file = FileField(
        _l("Upload values (.csv)"),
        description=_l(
            "Columns: Period, Period end, Numerator, Denominator, Value, Source, Note. "
            "A period already entered is replaced."
        ),
        widget=GovFileInput(),
        validators=[FileRequired(_l("Select a CSV file"))],
    )


class ConfirmForm(FlaskForm):
    """A button with nothing to fill in (remove a target, restore a version)."""
