"""Forms of the status scheme page: choose a preset, edit the statuses, override a KPI."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect
from wtforms import RadioField, SelectField
from wtforms.validators import DataRequired, InputRequired

from feedback_app.plan.statuses.schemes import (
    KIND_NAMES,
    MAX_LABEL,
    MAX_MEANING,
    MAX_STATUSES,
    Scheme,
    SchemeError,
    StatusDef,
    check_scheme,
    parse_status,
    presets,
)
from feedback_app.plan.statuses.service import MAX_REASON
from feedback_app.results.board.status_rules import COLOUR_NAMES
from feedback_app.web.choices import select_choices
from feedback_app.web.forms import text_area, text_input

FIELDS = ("colour", "label", "meaning", "kind")
#: The choice that ends an override.
END_OVERRIDE = "end"


class PresetForm(FlaskForm):
    """Start from a preset (replaces the area's statuses)."""

    preset = RadioField(
        _l("Preset"),
        widget=GovRadioInput(),
        validators=[InputRequired(message=_l("Choose a preset"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.preset.choices = select_choices([(p.id, p.name) for p in presets()])


def scheme_form(scheme: Scheme, *, formdata: Any = None) -> FlaskForm:
    """One row per status (and empty rows up to one per colour)."""

    class SchemeForm(FlaskForm):
        pass

    colour_choices = [("", _l("Not used"))] + [(k.value, v) for k, v in COLOUR_NAMES.items()]
    kind_choices = [(k.value, v) for k, v in KIND_NAMES.items()]
    for i in range(1, MAX_STATUSES + 1):
        fields = {
            "colour": SelectField(
                _l("Status %(n)s: colour", n=i),
                widget=GovSelect(),
                choices=select_choices(colour_choices),
                validate_choice=False,  # checked by parse_status, with the row's number
            ),
            "label": text_input(
                _l("Status %(n)s: label", n=i),
                max_length=MAX_LABEL,
                too_long=_l(
                    "Status %(n)s: label must be %(max)s characters or fewer", n=i, max=MAX_LABEL
                ),
            ),
            "meaning": text_area(
                _l("Status %(n)s: what it means", n=i),
                max_length=MAX_MEANING,
                too_long=_l(
                    "Status %(n)s: meaning must be %(max)s characters or fewer",
                    n=i,
                    max=MAX_MEANING,
                ),
                strip=False,
            ),
            "kind": SelectField(
                _l("Status %(n)s: counts as", n=i),
                widget=GovSelect(),
                choices=select_choices(kind_choices),
                validate_choice=False,
            ),
        }
        for name, field in fields.items():
            setattr(SchemeForm, f"status_{i}_{name}", field)
    data: dict[str, str] = {}
    for i, status in enumerate(scheme.statuses, start=1):
        data |= {
            f"status_{i}_colour": status.colour.value,
            f"status_{i}_label": status.label,
            f"status_{i}_meaning": status.meaning,
            f"status_{i}_kind": status.kind.value,
        }
    return SchemeForm(formdata=formdata, data=data)


def statuses_from_form(form: FlaskForm) -> list[StatusDef] | None:
    """The statuses entered, in order (rows with no colour dropped); None, with the
    error on a field, when they do not make a usable scheme."""
    statuses: list[StatusDef] = []
    for i in range(1, MAX_STATUSES + 1):
        values = {name: form[f"status_{i}_{name}"].data or "" for name in FIELDS}
        if not values["colour"]:
            continue
        try:
            statuses.append(parse_status(values, number=i))
        except SchemeError as error:
            form[f"status_{i}_label"].errors = [str(error)]
            return None
    try:
        check_scheme(statuses)
    except SchemeError as error:
        form["status_1_colour"].errors = [str(error)]
        return None
    return statuses


class OverrideForm(FlaskForm):
    """Override a KPI's status (or end an override), with the reason."""

    kpi = SelectField(
        _l("KPI"),
        widget=GovSelect(),
        validate_choice=False,
        validators=[DataRequired(message=_l("Choose the KPI"))],
    )
    status = SelectField(
        _l("Status to show"),
        widget=GovSelect(),
        validate_choice=False,
        validators=[DataRequired(message=_l("Choose the status to show"))],
    )
    reason = text_area(
        _l("Reason"),
        description=_l(
            "Why the status the rules give is not the right one, for example"
            " \u201cthe survey missed the families of the new service\u201d. The board shows it."
        ),
        required=DataRequired(message=_l("Enter the reason for the override")),
        max_length=MAX_REASON,
        too_long=_l("Reason must be %(max)s characters or fewer", max=MAX_REASON),
    )

    def __init__(
        self,
        *args: Any,
        kpis: Sequence[tuple[str, str]],
        scheme: Scheme,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kpi.choices = select_choices([("", _l("Choose a KPI")), *kpis])
        self.status.choices = select_choices(
            [("", _l("Choose a status"))]
            + [(s.colour.value, s.label) for s in scheme.statuses]
            + [(END_OVERRIDE, _l("End the override: show the status the rules give"))]
        )

    def validate_kpi(self, field: SelectField) -> None:
        from wtforms.validators import ValidationError

        if field.data not in {c.value for c in field.choices}:
            raise ValidationError(_l("Choose a KPI from the list"))

    def validate_status(self, field: SelectField) -> None:
        from wtforms.validators import ValidationError

        if field.data not in {c.value for c in field.choices}:
            raise ValidationError(_l("Choose a status from the list"))
