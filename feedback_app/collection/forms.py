"""Forms for keying paper returns: one compact box per question, and resolving differences.

Fields are built from the questionnaire. Each box is validated by
``keying.read_keyed`` (which applies the same domain rule as online answers), and
the cleaned value is kept on the field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovTextArea, GovTextInput
from wtforms import Field, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length, Regexp, ValidationError

from feedback_app.collection.keying import KeyingError, read_keyed
from feedback_app.collection.paper import FIRST, REFERENCE, SECOND
from feedback_app.translating.content_translation import content_gettext
from feedback_app.web.choices import select_choices
from feedback_app.web.languages import NATIVE_NAMES
from surveys import Questionnaire
from surveys.model import Question

#: Prefix of answer fields, so a question id can never clash with "reference".
FIELD_PREFIX = "q_"


def field_name(question_id: str) -> str:
    """The form field name for a question."""
    return FIELD_PREFIX + question_id


class KeyedAnswer:
    """Validate a keyed box with the paper rules; keep the cleaned value on the field."""

    field_flags: ClassVar[dict[str, bool]] = {"required": False}

    def __init__(self, question: Question) -> None:
        self.question = question

    def __call__(self, _form: FlaskForm, field: Field) -> None:
        try:
            field.cleaned = read_keyed(self.question, field.data or "")
        except KeyingError as error:
            params = {
                k: content_gettext(v) if k == "option" else v for k, v in error.params.items()
            }
            raise ValidationError(gettext(error.message, **params)) from None


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def keying_form(
    questionnaire: Questionnaire,
    *,
    with_reference: bool,
    formdata: Any = None,
    languages: Sequence[str] = ("en",),
) -> FlaskForm:
    """A form with the paper form reference and language (first keying only) and a
    box per question. ``languages``: those the form could be printed in, English first."""

    class KeyingForm(FlaskForm):
        pass

    if with_reference:
        KeyingForm.reference = StringField(
            _l("Paper form reference"),
            description=_l("The number written in the reference box on the paper form"),
            widget=GovTextInput(),
            filters=[_strip],
            validators=[
                InputRequired(_l("Enter the paper form reference")),
                Length(max=40, message=_l("The reference must be 40 characters or fewer")),
                Regexp(
                    REFERENCE,
                    message=_l(
                        "The reference can only contain letters, numbers, spaces, "
                        "dashes and slashes"
                    ),
                ),
            ],
        )
        KeyingForm.language = SelectField(
            _l("Language of the paper form"),
            description=_l("The language the form was printed in"),
            widget=GovSelect(),
            choices=select_choices([(code, NATIVE_NAMES.get(code, code)) for code in languages]),
            default=languages[0],
            validate_choice=False,
            validators=[AnyOf(list(languages), message=_l("Choose a language from the list"))],
        )
    for question in questionnaire.questions():
        builder = TextAreaField if question.spec.free_text else StringField
        widget = GovTextArea() if question.spec.free_text else GovTextInput()
        field = builder(
            content_gettext(question.text), widget=widget, validators=[KeyedAnswer(question)]
        )
        setattr(KeyingForm, field_name(question.id), field)
    return KeyingForm(formdata=formdata)


def keyed_answers(questionnaire: Questionnaire, form: FlaskForm) -> dict[str, Any]:
    """The answered questions of a validated keying form (blanks left out)."""
    answers = {}
    for question in questionnaire.questions():
        value = getattr(form[field_name(question.id)], "cleaned", None)
        if value is not None:
            answers[question.id] = value
    return answers


def resolve_form(
    differing: list[str],
    *,
    labels: Mapping[str, tuple[str, str, str]],
    formdata: Any = None,
) -> FlaskForm:
    """One required choice per difference: ``labels[qid]`` = (legend, first, second)."""

    class ResolveForm(FlaskForm):
        pass

    for question_id in differing:
        legend, first, second = labels[question_id]
        field = RadioField(
            legend,
            choices=select_choices([(FIRST, first), (SECOND, second)]),
            validate_choice=False,
            widget=GovRadioInput(),
            validators=[
                InputRequired(gettext("Choose which keying is right")),
                AnyOf([FIRST, SECOND], message=gettext("Choose which keying is right")),
            ],
        )
        setattr(ResolveForm, field_name(question_id), field)
    return ResolveForm(formdata=formdata)
