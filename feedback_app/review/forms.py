"""Forms for review comments, publishing and scheduling waves, GOV.UK style."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovTextInput
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError
from wtforms.widgets import HiddenInput

from feedback_app.distribution.links import normalise
from feedback_app.review.comments import MAX_COMMENT_LENGTH
from feedback_app.review.waves import RETENTION_CHOICES, WaveChange, WavePlan
from feedback_app.web.choices import select_choices
from feedback_app.web.forms import DatePartsField, wave_name
from feedback_app.web.local_days import end_of_day_utc, local_to_utc

_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


def _comment_body(label: Any, *, blank: Any, too_long: Any) -> Any:
    """The words of a comment or a reply: required, at most MAX_COMMENT_LENGTH."""
    length = Length(max=MAX_COMMENT_LENGTH, message=too_long)
    return TextAreaField(label, validators=[DataRequired(blank), length])


class CommentForm(FlaskForm):
    """A comment on a question (``question_id``) or on the whole questionnaire."""

    question_id = HiddenField()
    body = _comment_body(
        _l("Your comment"),
        blank=_l("Enter your comment"),
        too_long=_l("Your comment must be 2000 characters or fewer"),
    )


class ReplyForm(FlaskForm):
    """A coordinator's reply to a comment."""

    body = _comment_body(
        _l("Your reply"),
        blank=_l("Enter your reply"),
        too_long=_l("Your reply must be 2000 characters or fewer"),
    )


class PublishForm(FlaskForm):
    """Publish; confirming is needed when a KPI question stops being comparable."""

    seen_warning = HiddenField()
    confirm = BooleanField(
        _l("I understand that results for these KPIs will not be comparable with earlier waves")
    )


class SwitchVersionForm(FlaskForm):
    """Move a wave to the version shown on the confirmation page (its id, so a
    version published in between is not taken without being seen)."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class WaveForm(FlaskForm):
    """Name, open date and time, close date, who may answer and how long to keep answers."""

    name = wave_name(_l("For example, Baseline 2026 or Follow-up spring 2027"))
    opens = DatePartsField(_l("Open date"), blank_message=_l("Enter the date the wave opens"))
    opens_time = StringField(
        _l("Time it opens"),
        description=_l("Use the 24-hour clock, for example 09:00"),
        default="09:00",
        widget=GovTextInput(),
    )
    closes = DatePartsField(_l("Close date"))
    link = StringField(
        _l("Short link (optional)"),
        description=_l(
            "Letters, numbers and hyphens, for example parent-survey-2027. People can type "
            "it in capitals or small letters. Leave it blank to get three easy words."
        ),
        widget=GovTextInput(),
    )
    invitation_only = BooleanField(_l("Only people with an invitation link can answer"))
    retention_years = RadioField(
        _l("How long should we keep the answers after the wave closes?"),
        choices=select_choices(
            (str(y), _l("%(years)s years", years=y) if y > 1 else _l("1 year"))
            for y in RETENTION_CHOICES
        ),
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Select how long to keep the answers"))],
    )

    def validate_opens_time(self, field: StringField) -> None:
        if self.opens_at_time() is None:
            raise ValidationError(_l("Enter a time in the 24-hour clock, like 09:00"))

    def opens_at_time(self) -> dt.time | None:
        """The opening time entered, or None when it is not a real time."""
        match = _TIME.match(self.opens_time.data or "")
        if not match:
            return None
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour > 23 or minute > 59:
            return None
        return dt.time(hour, minute)

    def to_plan(self, timezone: str, now: dt.datetime) -> WavePlan | None:
        """The checked wave, or None after adding errors (call after ``validate``)."""
        opens_time = self.opens_at_time()
        if self.opens.data is None or opens_time is None:
            return None
        opens_at = local_to_utc(self.opens.data, opens_time, timezone)
        closes_at = end_of_day_utc(self.closes.data, timezone) if self.closes.data else None
        if closes_at is not None:
            if closes_at <= opens_at:
                self.closes.errors = [_l("Close date must be after the open date")]
                return None
            if closes_at <= now:
                self.closes.errors = [_l("Close date must be in the future")]
                return None
        return WavePlan(
            name=(self.name.data or "").strip(),
            opens_at=opens_at,
            closes_at=closes_at,
            invitation_only=bool(self.invitation_only.data),
            retention_years=int(self.retention_years.data or 0),
            link=normalise(self.link.data or "") or None,
        )


class WaveChangeForm(FlaskForm):
    """Rename a wave, or move its last day (extend, bring forward, reopen)."""

    name = wave_name()
    closes = DatePartsField(_l("Last day"))
    link = StringField(
        _l("New short link (optional)"),
        description=_l(
            "Letters, numbers and hyphens, for example parent-survey-2027. The links it "
            "has now keep working, so posters already printed still open the survey."
        ),
        widget=GovTextInput(),
    )

    def validate_name(self, field: StringField) -> None:
        if not (field.data or "").strip():
            raise ValidationError(_l("Enter a name for the wave"))

    def to_change(self) -> WaveChange:
        """The change asked for (call after ``validate``)."""
        return WaveChange(
            name=(self.name.data or "").strip(),
            last_day=self.closes.data,
            link=normalise(self.link.data or "") or None,
        )
