"""Staff forms for contact lists and reminder dates. Messages in plain words."""

from __future__ import annotations

import datetime as dt
import re

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSelect, GovTextInput
from wtforms import Field, SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

#: At most this many reminders per wave.
MAX_REMINDERS = 3


class ContactListForm(FlaskForm):
    """A CSV of e-mail addresses and/or mobile numbers, and a label."""

    csv_file = FileField(
        _l("Upload the contact list"),
        description=_l(
            "A .csv file with an 'email' column, a 'mobile' column, or both. Up to 5,000 people."
        ),
        widget=GovFileInput(),
        validators=[FileRequired(_l("Select a CSV file"))],
    )
    label = StringField(
        _l("Label"),
        description=_l("To recognise this list later, like “EHCP families, spring term”."),
        widget=GovTextInput(),
        filters=[lambda text: text.strip() if isinstance(text, str) else text],
        validators=[
            DataRequired(_l("Enter a label for this list")),
            Length(max=200, message=_l("Label must be 200 characters or fewer")),
        ],
    )


def parse_dates(text: str) -> list[dt.date]:
    """Dates like 15/1/2027 or 2027-01-15, separated by commas or spaces, sorted.
    ValueError with a plain message for anything else."""
    found: list[dt.date] = []
    for part in [p for p in re.split(r"[,;\s]+", text.strip()) if p]:
        try:
            if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", part):
                year, month, day = (int(x) for x in part.split("-"))
            elif re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", part):
                day, month, year = (int(x) for x in part.split("/"))
            else:
                raise ValueError
            found.append(dt.date(year, month, day))
        except ValueError:
            raise ValueError(
                gettext("'%(text)s' is not a date like 15/1/2027", text=part[:20])
            ) from None
    return sorted(set(found))


def _reminder_dates(_form: FlaskForm, field: Field) -> None:
    try:
        dates = parse_dates(field.data or "")
    except ValueError as error:
        raise ValidationError(str(error)) from None
    if len(dates) > MAX_REMINDERS:
        raise ValidationError(_l("Choose up to 3 reminder dates"))


class RemindersForm(FlaskForm):
    """The days reminders go out (to people whose link is still unused)."""

    dates = StringField(
        _l("Reminder dates"),
        description=_l("Up to 3 dates, like 15/1/2027, 22/1/2027. Leave empty for no reminders."),
        widget=GovTextInput(),
        validators=[Length(max=100, message=_l("Enter up to 3 dates")), _reminder_dates],
    )


class UpdateForm(FlaskForm):
    """What to send to the update list: a published "you said, we did" entry or an
    open survey anyone may answer (choices set by the view, per area)."""

    about = SelectField(
        _l("What to send"),
        description=_l(
            "People who asked for this kind of news are sent it once, with a link to leave."
        ),
        widget=GovSelect(),
        validators=[DataRequired(_l("Choose what to send"))],
        validate_choice=True,
    )
