"""The action form: the words, what the action answers, and when it happened."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect
from wtforms import Field, SelectField
from wtforms.validators import DataRequired, ValidationError

from feedback_app.actions.service import MAX_TEXT, ActionInput, kpi_choices, theme_choices
from feedback_app.models import AreaAction
from feedback_app.web.choices import select_choices
from feedback_app.web.forms import DatePartsField, text_area

#: How far ahead an action's date may be (a date planned for the coming year).
MAX_AHEAD = dt.timedelta(days=366)


class _OneOf:
    """The posted value is one of the field's choices (or empty), else a plain message."""

    def __init__(self, message: Any) -> None:
        self.message = message

    def __call__(self, _form: FlaskForm, field: Field) -> None:
        allowed = {choice.value for choice in field.choices}
        if field.data not in allowed:
            raise ValidationError(self.message)


class ActionForm(FlaskForm):
    """You said, we did, the KPI or theme it answers, and its date."""

    you_said = text_area(
        _l("You said"),
        description=_l(
            "What families told us, in a sentence or two. Do not include anyone's name."
        ),
        required=DataRequired(_l("Enter what families said")),
        max_length=MAX_TEXT,
        too_long=_l("“You said” must be 2,000 characters or fewer"),
    )
    we_did = text_area(
        _l("We did"),
        description=_l("What the local area did about it, in plain words."),
        required=DataRequired(_l("Enter what the local area did")),
        max_length=MAX_TEXT,
        too_long=_l("“We did” must be 2,000 characters or fewer"),
    )
    kpi_id = SelectField(
        _l("KPI it answers"),
        description=_l("Choose a KPI, a theme, or both."),
        widget=GovSelect(),
        validate_choice=False,
        validators=[_OneOf(_l("Choose a KPI from the list"))],
    )
    theme = SelectField(
        _l("Theme it answers"),
        description=_l("Themes from what families wrote in their comments."),
        widget=GovSelect(),
        validate_choice=False,
        validators=[_OneOf(_l("Choose a theme from the list"))],
    )
    action_date = DatePartsField(
        _l("Date of the action"),
        blank_message=_l("Enter the date of the action"),
        invalid_message=_l("Date of the action must be a real date, like 27 3 2026"),
    )
    plan_action_id = SelectField(
        _l("Plan action it comes from"),
        description=_l(
            "Optional: the improvement plan's action this tells families about."
            " Linking does not publish anything."
        ),
        widget=GovSelect(),
        validate_choice=False,
    )

    def __init__(
        self, *args: Any, plan_actions: Sequence[tuple[str, str]] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kpi_id.choices = select_choices([("", str(_l("No KPI"))), *kpi_choices()])
        self.theme.choices = select_choices([("", str(_l("No theme"))), *theme_choices()])
        self.plan_action_id.choices = select_choices(
            [("", str(_l("No plan action"))), *plan_actions]
        )

    def validate_kpi_id(self, field: Field) -> None:
        if not field.data and not self.theme.data:
            raise ValidationError(_l("Choose the KPI or the theme this action answers"))

    def validate_plan_action_id(self, field: Field) -> None:
        # Not posted (the area has no plan actions, so no select is shown): no link.
        field.data = field.data or ""
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose a plan action from the list"))

    def validate_action_date(self, field: DatePartsField) -> None:
        if field.data is not None and field.data > dt.date.today() + MAX_AHEAD:
            raise ValidationError(_l("Date of the action must be within the next year"))

    def fill_from(self, action: AreaAction) -> None:
        """Show an existing action (a GET of the edit page)."""
        self.you_said.data = action.you_said
        self.we_did.data = action.we_did
        self.kpi_id.data = action.kpi_id or ""
        self.theme.data = action.theme or ""
        self.plan_action_id.data = str(action.plan_action_id or "")
        date = action.action_date
        self.action_date.day, self.action_date.month = str(date.day), str(date.month)
        self.action_date.year = str(date.year)

    def action_input(self) -> ActionInput:
        """The validated action."""
        assert self.action_date.data is not None
        return ActionInput(
            you_said=self.you_said.data or "",
            we_did=self.we_did.data or "",
            kpi_id=self.kpi_id.data or None,
            theme=self.theme.data or None,
            action_date=self.action_date.data,
            plan_action_id=int(self.plan_action_id.data) if self.plan_action_id.data else None,
        )
