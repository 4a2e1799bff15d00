"""The form for a batch of invitation links. Messages in plain words."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovTextInput
from wtforms import Field, RadioField, StringField
from wtforms.validators import DataRequired, InputRequired, ValidationError

from feedback_app.distribution.invitations import MAX_BATCH, MIN_BATCH
from feedback_app.web.choices import select_choices
from feedback_app.web.forms import text_input


def _whole_number_in_range(_form: FlaskForm, field: Field) -> None:
    # A text box, not a number input: people type "1,000", and browsers' number
    # inputs silently drop what they cannot parse.
    text = (field.data or "").strip().replace(",", "").replace(" ", "")
    if not text.isdecimal() or len(text) > 9:
        raise ValidationError(_l("Enter how many links you need as a whole number, like 200"))
    number = int(text)
    if number < MIN_BATCH:
        raise ValidationError(_l("Enter a number of links of 1 or more"))
    if number > MAX_BATCH:
        raise ValidationError(_l("You can make up to 5,000 links at a time"))


class InvitationBatchForm(FlaskForm):
    """How many single-use links to make, and a label to recognise them by."""

    size = StringField(
        _l("How many links?"),
        description=_l("Between 1 and 5,000. Make one link for each person you will write to."),
        widget=GovTextInput(),
        validators=[InputRequired(_l("Enter how many links you need")), _whole_number_in_range],
    )
    label = text_input(
        _l("Label"),
        description=_l("To recognise these links later, like “Year 9 families, March letter”."),
        strip=True,
        required=DataRequired(_l("Enter a label for these links")),
        max_length=200,
        too_long=_l("Label must be 200 characters or fewer"),
    )

    def number_of_links(self) -> int:
        """The validated number of links."""
        return int((self.size.data or "").strip().replace(",", "").replace(" ", ""))


class WaveAccessForm(FlaskForm):
    """Who may answer a wave: anyone with the public link, or invited people only."""

    access = RadioField(
        _l("Who can answer this survey?"),
        choices=select_choices(
            [
                ("anyone", _l("Anyone with the public link")),
                ("invited", _l("Only people with an invitation link")),
            ]
        ),
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Select who can answer this survey"))],
    )
