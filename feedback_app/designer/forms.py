"""The designer's forms. Labels and messages in plain words for volunteer coordinators."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovFileInput,
    GovRadioInput,
    GovTextInput,
)
from wtforms import (
    IntegerField,
    RadioField,
    SelectMultipleField,
)
from wtforms.validators import InputRequired, NumberRange, Optional

from feedback_app.web.choices import select_choices
from feedback_app.web.forms import text_area, text_input
from surveys import ANSWER_TYPES as ANSWER_TYPE_SPECS
from surveys import AnswerType

#: What each answer type is, for someone who has never seen the definition format:
#: its name and a plain description, from the answer type registry (staff text).
ANSWER_TYPES: list[tuple[AnswerType, Any, Any]] = [
    # The words are marked S_ in surveys/answer_types.py, so they are in the catalog.
    (answer_type, _l(spec.name), _l(spec.description))
    for answer_type, spec in ANSWER_TYPE_SPECS.items()
]

KINDS: list[tuple[str, Any]] = [
    ("annual", _l("Annual survey")),
    ("follow_up", _l("Follow-up survey")),
    ("young_people", _l("Young people's survey")),
    ("milestone", _l("Feedback at a step in a process")),
    ("event", _l("Event feedback")),
    ("professionals", _l("Professionals' survey")),
    ("co_production", _l("Co-production experience")),
    ("always_on", _l("Feedback at any time")),
]

_TEXT_LIMIT = 1000
_NOTICE_LIMIT = 3000


def _notice(label: Any, *, blank: Any, description: Any = None) -> Any:
    """Words of the start or end page: required, at most _NOTICE_LIMIT characters."""
    return text_area(
        label,
        description=description,
        required=InputRequired(blank),
        max_length=_NOTICE_LIMIT,
        too_long=_l("This must be 3000 characters or fewer"),
    )


class WholeNumberField(IntegerField):
    """A whole number whose "not a number" message is in plain words."""

    def __init__(self, label: Any, *, invalid: Any, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.invalid = invalid

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata([v.strip() if isinstance(v, str) else v for v in valuelist])
        except ValueError:
            raise ValueError(str(self.invalid)) from None


class NewDraftForm(FlaskForm):
    """Start a questionnaire from a bundled template or a blank page."""

    start = RadioField(
        _l("How do you want to start?"),
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Select how you want to start"))],
    )
    title = text_input(
        _l("Title"),
        description=_l("Needed for a blank questionnaire. For example, Parent survey 2026."),
        strip=True,
        max_length=200,
        too_long=_l("Title must be 200 characters or fewer"),
    )


class ImportForm(FlaskForm):
    """Upload a questionnaire definition file another area shared."""

    definition_file = FileField(
        _l("Upload a questionnaire file"),
        description=_l("A .yaml, .yml or .json file up to 100 KB, exported from this designer."),
        widget=GovFileInput(),
        validators=[FileRequired(_l("Select a questionnaire file"))],
    )


class AddKpiForm(FlaskForm):
    """Pick a KPI question from the bank."""

    kpi = RadioField(
        _l("Which KPI question do you want to add?"),
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Select a KPI question"))],
    )


class ChooseTypeForm(FlaskForm):
    """The kind of answer a new question asks for."""

    answer_type = RadioField(
        _l("What kind of answer do you want?"),
        choices=select_choices((t.value, text) for t, text, _hint in ANSWER_TYPES),
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Select the kind of answer"))],
    )

    @staticmethod
    def type_hints() -> list[dict[str, dict[str, str]]]:
        """A plain description under each answer type."""
        return [{"hint": {"text": str(hint)}} for _t, _text, hint in ANSWER_TYPES]


class QuestionForm(FlaskForm):
    """A question's words, hint and options."""

    text = text_area(
        _l("Question"),
        required=InputRequired(_l("Enter the question")),
        max_length=_TEXT_LIMIT,
        too_long=_l("The question must be 1000 characters or fewer"),
    )
    hint = text_area(
        _l("Hint (optional)"),
        description=_l("Extra help shown under the question."),
        max_length=_TEXT_LIMIT,
        too_long=_l("The hint must be 1000 characters or fewer"),
    )
    options = text_area(
        _l("Answers people can choose"),
        description=_l(
            'Write one answer on each line. "Don\'t know" and "Prefer not to say" '
            "are left out when percentages are worked out."
        ),
        strip=False,
        max_length=10000,
        too_long=_l("The answers are too long"),
    )
    must_answer = RadioField(
        _l("Must people answer this question?"),
        choices=select_choices(
            [("yes", _l("Yes, they must answer it")), ("no", _l("No, they can skip it"))]
        ),
        default="yes",
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Select whether people must answer this question"))],
    )
    points = RadioField(
        _l("How many faces?"),
        choices=select_choices(
            [
                ("5", _l("5 faces, from very happy to very sad")),
                ("3", _l("3 faces: happy, OK and sad, for younger children")),
            ]
        ),
        default="5",
        validate_choice=False,  # Checked by the designer service, in plain words.
        widget=GovRadioInput(),
    )
    dont_know = RadioField(
        _l("Offer \u201cDon\u2019t know\u201d?"),
        description=_l("Shown after the scale, below the word \u201cor\u201d."),
        choices=select_choices([("yes", _l("Yes, offer it")), ("no", _l("No, leave it out"))]),
        default="yes",
        validate_choice=False,  # Anything but "no" keeps it.
        widget=GovRadioInput(),
    )
    picture = RadioField(
        _l("Picture beside the question"),
        description=_l("Easy Read questions have a picture beside them."),
        validate_choice=False,  # Checked by the designer service, in plain words.
        widget=GovRadioInput(),
    )
    min_value = WholeNumberField(
        _l("Smallest number accepted (optional)"),
        invalid=_l("Enter the smallest number as a whole number, like 0"),
        widget=GovTextInput(),
        validators=[
            Optional(),
            NumberRange(-1_000_000, 1_000_000, _l("Enter a number between -1000000 and 1000000")),
        ],
    )
    max_value = WholeNumberField(
        _l("Largest number accepted (optional)"),
        invalid=_l("Enter the largest number as a whole number, like 20"),
        widget=GovTextInput(),
        validators=[
            Optional(),
            NumberRange(-1_000_000, 1_000_000, _l("Enter a number between -1000000 and 1000000")),
        ],
    )


class ShowIfSourceForm(FlaskForm):
    """Step 1 of "show this question only if": which earlier answer decides."""

    source = RadioField(
        _l("When should people see this question?"),
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Select when people should see this question"))],
    )


class ShowIfAnswersForm(FlaskForm):
    """Step 2: which answers to the earlier question show this one."""

    codes = SelectMultipleField(
        _l("Show this question if the answer is one of"),
        widget=GovCheckboxesInput(),
        validators=[InputRequired(_l("Select at least one answer"))],
    )


class PositiveForm(FlaskForm):
    """Which answers to a closed question count as positive in the results."""

    # Nothing ticked is allowed: the question then has no "% positive".
    codes = SelectMultipleField(
        _l("Which answers count as positive?"),
        widget=GovCheckboxesInput(),
        validate_choice=False,  # Checked by the designer service, in plain words.
    )


class DetailsForm(FlaskForm):
    """The questionnaire's title and the words on its start and end pages."""

    title = text_input(
        _l("Title"),
        strip=True,
        required=InputRequired(_l("Enter a title")),
        max_length=200,
        too_long=_l("Title must be 200 characters or fewer"),
    )
    description = _notice(
        _l("Who this survey is for, and why you are asking"),
        blank=_l("Enter who the survey is for"),
    )
    kind = RadioField(
        _l("What kind of survey is it?"),
        choices=select_choices(KINDS),
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Select what kind of survey it is"))],
    )
    estimated_minutes = WholeNumberField(
        _l("About how many minutes does it take?"),
        invalid=_l("Enter how many minutes it takes, as a number"),
        widget=GovTextInput(),
        validators=[
            InputRequired(_l("Enter how many minutes it takes, as a number")),
            NumberRange(1, 120, _l("Enter a number of minutes between 1 and 120")),
        ],
    )
    privacy_notice = _notice(
        _l("How answers are used and kept"), blank=_l("Enter how answers are used and kept")
    )
    easy_read = RadioField(
        _l("Easy Read"),
        description=_l(
            "Easy Read shows larger text, a picture beside each question and labelled "
            "faces. Each question then needs a picture, and sentences must be short."
        ),
        choices=select_choices(
            [
                ("no", _l("No, the standard layout")),
                ("yes", _l("Yes, an Easy Read survey (for example, for young people)")),
            ]
        ),
        default="no",
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Select whether this is an Easy Read survey"))],
    )
    next_steps = _notice(
        _l("What happens next"),
        blank=_l("Enter what happens next"),
        description=_l("Shown after someone sends their answers."),
    )
