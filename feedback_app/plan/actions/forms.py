"""Forms of the action tracker: an action, its status, a milestone, the filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
)
from wtforms import (
    BooleanField,
    Field,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, ValidationError

from feedback_app.models import PlanAction
from feedback_app.plan.actions.service import MAX_LINKS, MAX_TEXT, ActionInput
from feedback_app.plan.actions.tracker import NO_STATUS, TrackerFilter
from feedback_app.plan.statuses.schemes import Scheme, StatusDef
from feedback_app.web.choices import select_choices
from feedback_app.web.forms import DatePartsField, text_area, text_input

#: Longest link accepted.
MAX_LINK = 500


def _limits(max_length: int, required: Any) -> dict[str, Any]:
    """The tracker's rules for typed text: spaces round it stripped, at most
    ``max_length`` characters, and refused blank with the ``required`` message if any."""
    return {
        "strip": True,
        "max_length": max_length,
        "too_long": _l("Must be %(max)s characters or fewer", max=max_length),
        "required": None if required is None else DataRequired(message=required),
    }


def _text(label: Any, *, max_length: int, required: Any = None, **kwargs: Any) -> StringField:
    return text_input(label, **_limits(max_length, required), **kwargs)


def _area(label: Any, *, required: Any = None, **kwargs: Any) -> TextAreaField:
    return text_area(label, **_limits(MAX_TEXT, required), **kwargs)


class PlanActionForm(FlaskForm):
    """An action of the plan."""

    reference = _text(
        _l("Reference"), max_length=30, description=_l("The plan's number, for example 1.1.2.")
    )
    priority = _text(
        _l("Priority or outcome"),
        max_length=300,
        description=_l("What the action is for, as the plan words it."),
    )
    action = _area(_l("Action"), required=_l("Enter the action"))
    owner = _text(
        _l("Owner"),
        max_length=200,
        required=_l("Enter who owns the action"),
        description=_l("A role rather than a name, for example Head of SEND."),
    )
    organisation = _text(
        _l("Partner organisation"),
        max_length=200,
        description=_l("For example the council, the NHS ICB, a school, the parent carer forum."),
    )
    due_on = DatePartsField(
        _l("Completion date"),
        invalid_message=_l("Completion date must be a real date, like 31 3 2026"),
    )
    evidence = _area(_l("Evidence"), description=_l("What shows the action is done or working."))
    evidence_links = TextAreaField(
        _l("Links to evidence"),
        widget=GovTextArea(),
        description=_l("One web address per line, starting https:// or http://."),
    )
    kpi_references = SelectMultipleField(
        _l("KPIs it serves"), widget=GovCheckboxesInput(), validate_choice=False
    )

    def __init__(self, *args: Any, kpis: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kpi_references.choices = select_choices(kpis)

    def validate_kpi_references(self, field: SelectMultipleField) -> None:
        allowed = {choice.value for choice in field.choices}
        if any(value not in allowed for value in field.data or []):
            raise ValidationError(_l("Choose KPIs from the list"))

    def validate_evidence_links(self, field: Field) -> None:
        links = self.links()
        if len(links) > MAX_LINKS:
            raise ValidationError(_l("Enter %(max)s links or fewer", max=MAX_LINKS))
        for link in links:
            parts = urlsplit(link)
            if (
                len(link) > MAX_LINK
                or parts.scheme not in ("http", "https")
                or not parts.netloc
                or any(c.isspace() for c in link)
            ):
                raise ValidationError(
                    _l(
                        "Each link must be a web address starting https:// or http://"
                        " (one per line)"
                    )
                )

    def links(self) -> list[str]:
        """The evidence links entered, one per line, blank lines left out."""
        text = self.evidence_links.data if isinstance(self.evidence_links.data, str) else ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def fill_from(self, action: PlanAction) -> None:
        """Show an existing action (a GET of the edit page)."""
        for name in ("reference", "priority", "action", "owner", "organisation", "evidence"):
            self[name].data = getattr(action, name)
        self.evidence_links.data = "\n".join(action.evidence_links or [])
        self.kpi_references.data = list(action.kpi_references or [])
        if action.due_on:
            date = action.due_on
            self.due_on.day, self.due_on.month = str(date.day), str(date.month)
            self.due_on.year = str(date.year)

    def action_input(self) -> ActionInput:
        """The validated action."""
        return ActionInput(
            reference=self.reference.data or "",
            priority=self.priority.data or "",
            action=self.action.data or "",
            owner=self.owner.data or "",
            organisation=self.organisation.data or "",
            due_on=self.due_on.data,
            evidence=self.evidence.data or "",
            evidence_links=self.links(),
            kpi_references=list(self.kpi_references.data or []),
        )


class StatusForm(FlaskForm):
    """Set an action's status with the date, and exception commentary when needed."""

    status = RadioField(_l("Status"), widget=GovRadioInput(), validate_choice=False)
    status_date = DatePartsField(
        _l("Date of this status"),
        blank_message=_l("Enter the date of this status"),
        invalid_message=_l("Date of this status must be a real date, like 31 3 2026"),
    )
    commentary = _area(
        _l("Exception commentary"),
        description=_l(
            "Required when the status is not complete, on track or not due yet: what has"
            " slipped, why, and the recovery plan."
        ),
    )

    def __init__(self, *args: Any, scheme: Scheme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scheme = scheme
        self.status.choices = select_choices(
            [(s.colour.value, f"{s.label}: {s.meaning}" if s.meaning else s.label)
             for s in scheme.statuses]
        )  # fmt: skip

    def chosen(self) -> StatusDef | None:
        """The status chosen (None until validated)."""
        return self.scheme.get(self.status.data)

    def validate_status(self, field: RadioField) -> None:
        if not field.data:
            raise ValidationError(_l("Choose the status"))
        if self.scheme.get(field.data) is None:
            raise ValidationError(_l("Choose a status from the list"))

    def validate_status_date(self, field: DatePartsField) -> None:
        if field.data is not None and field.data > dt.date.today() + dt.timedelta(days=1):
            raise ValidationError(_l("Date of this status cannot be in the future"))

    def validate_commentary(self, field: Field) -> None:
        status = self.scheme.get(self.status.data)
        if status is not None and status.needs_commentary and not field.data:
            raise ValidationError(
                _l(
                    "Enter the exception commentary: \u201c%(status)s\u201d is not complete,"
                    " on track or not due yet",
                    status=status.label,
                )
            )


class MilestoneForm(FlaskForm):
    """A milestone with its due date."""

    title = _text(_l("Milestone"), max_length=300, required=_l("Enter the milestone"))
    due_on = DatePartsField(
        _l("Due date"),
        blank_message=_l("Enter the milestone's due date"),
        invalid_message=_l("Due date must be a real date, like 31 3 2026"),
    )


class FilterForm(FlaskForm):
    """The tracker's filters (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), widget=GovSelect(), validate_choice=False)
    owner = _text(_l("Owner"), max_length=200)
    organisation = _text(_l("Partner organisation"), max_length=200)
    overdue = BooleanField(_l("Overdue only"), widget=GovCheckboxInput())

    def __init__(self, *args: Any, scheme: Scheme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.status.choices = select_choices(
            [("", _l("Any status")), (NO_STATUS, _l("No status yet"))]
            + [(s.colour.value, s.label) for s in scheme.statuses]
        )

    def validate_status(self, field: SelectField) -> None:
        if (field.data or "") not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose a status from the list"))

    def chosen(self) -> TrackerFilter:
        """The filters as the tracker reads them (call after validating)."""
        return TrackerFilter(
            status=self.status.data or "",
            owner=self.owner.data or "",
            organisation=self.organisation.data or "",
            overdue=bool(self.overdue.data),
        )


class SinceForm(FlaskForm):
    """The day "what changed" starts from (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    since = DatePartsField(
        _l("Changes since"), invalid_message=_l("Changes since must be a real date, like 31 3 2026")
    )
