"""Forms of the KPI board: commentary, and the area's status rules and baseline wave."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextArea
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from feedback_app.models import Wave
from feedback_app.results.board.status_rules import (
    COLOUR_NAMES,
    DUE_NAMES,
    MAX_RULES,
    MAX_WORDS,
    SETTINGS_KEY,
    STATUS_NAMES,
    RuleError,
    StatusRule,
    parse_rule,
    to_settings,
)
from feedback_app.results.board.view_model import BASELINE_KEY
from feedback_app.web.choices import select_choices

#: Longest commentary kept.
MAX_COMMENTARY = 4000
#: Empty rows offered for new rules.
SPARE_ROWS = 2
FIELDS = ("status", "due", "colour", "words")


class CommentaryForm(FlaskForm):
    """An officer's commentary on one KPI."""

    body = TextAreaField(
        _l("Commentary"),
        widget=GovTextArea(),
        validators=[
            DataRequired(message=_l("Enter the commentary")),
            Length(
                max=MAX_COMMENTARY,
                message=_l("Commentary must be %(max)s characters or fewer", max=MAX_COMMENTARY),
            ),
        ],
        description=_l("What the board should know: progress, reasons, what happens next."),
    )


def settings_form(
    rules: Sequence[StatusRule],
    *,
    waves: Sequence[Wave],
    baseline_wave_id: object,
    formdata: Any = None,
) -> FlaskForm:
    """One row of choices per rule (and spare rows), and the baseline wave."""

    class SettingsForm(FlaskForm):
        baseline = SelectField(
            _l("Baseline wave"),
            widget=GovSelect(),
            choices=select_choices(
                [("", _l("The earliest closed wave that asks the question"))]
                + [(str(w.id), w.name) for w in waves]
            ),
        )

    rows = min(len(rules) + SPARE_ROWS, MAX_RULES)
    blank = [("", _l("Not used"))]
    status_choices = blank + [(k, v) for k, v in STATUS_NAMES.items()]
    due_choices = [(k.value, v) for k, v in DUE_NAMES.items()]
    colour_choices = [(k.value, v) for k, v in COLOUR_NAMES.items()]
    for i in range(1, rows + 1):
        fields = {
            "status": _select(_l("Rule %(n)s: when the target is", n=i), status_choices),
            "due": _select(_l("Rule %(n)s: and", n=i), due_choices),
            "colour": _select(_l("Rule %(n)s: colour", n=i), colour_choices),
            # A textarea, so long words wrap at 320 px instead of scrolling unseen.
            "words": TextAreaField(
                _l("Rule %(n)s: words shown", n=i),
                widget=GovTextArea(),
                validators=[Length(max=MAX_WORDS)],
            ),
        }
        for name, field in fields.items():
            setattr(SettingsForm, f"rule_{i}_{name}", field)
    data: dict[str, str] = {
        "baseline": str(baseline_wave_id) if baseline_wave_id is not None else ""
    }
    for i, rule in enumerate(rules, start=1):
        data |= {
            f"rule_{i}_status": rule.target_status,
            f"rule_{i}_due": rule.due.value,
            f"rule_{i}_colour": rule.colour.value,
            f"rule_{i}_words": rule.words,
        }
    form = SettingsForm(formdata=formdata, data=data)
    form.rule_count = rows
    return form


def rules_from_form(form: FlaskForm) -> list[StatusRule] | None:
    """The rules entered, in order; rows left "Not used" are dropped.

    Returns None (with an error on the row's field) when a row is not valid or no
    rule is left.
    """
    rules: list[StatusRule] = []
    for i in range(1, form.rule_count + 1):
        values = {name: (form[f"rule_{i}_{name}"].data or "") for name in FIELDS}
        if not values["status"]:
            continue
        try:
            rules.append(
                parse_rule(
                    {
                        "target_status": values["status"],
                        "due": values["due"],
                        "colour": values["colour"],
                        "words": values["words"],
                    },
                    number=i,
                )
            )
        except RuleError as error:
            form[f"rule_{i}_words"].errors = [str(error)]
            return None
    if not rules:
        form["rule_1_status"].errors = [str(_l("Keep at least one rule"))]
        return None
    return rules


def settings_from_form(form: FlaskForm, saved: Mapping[str, object]) -> dict[str, object] | None:
    """The area's results settings ``saved`` with the rules and baseline wave entered
    (no baseline chosen: the earliest closed wave again).

    Returns None (with an error on the form) when a rule is not valid or none is left.
    """
    rules = rules_from_form(form)
    if rules is None:
        return None
    entered = {**saved, SETTINGS_KEY: to_settings(rules)}
    if form.baseline.data:
        entered[BASELINE_KEY] = int(form.baseline.data)
    else:
        entered.pop(BASELINE_KEY, None)
    return entered


class ResetForm(FlaskForm):
    """Reset the status rules: only the CSRF token is checked."""


def _select(label: Any, choices: list[tuple[str, Any]]) -> SelectField:
    return SelectField(label, widget=GovSelect(), choices=select_choices(choices))
