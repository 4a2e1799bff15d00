"""Forms for the import steps: upload, columns, answers and the wave to create."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
)
from wtforms import RadioField, SelectField, SelectMultipleField
from wtforms.validators import InputRequired

from feedback_app.imports.mapping import BLANK, IGNORE, LANGUAGE, SEPARATORS, ImportMapping
from feedback_app.imports.reading import ImportFile, column_letter
from feedback_app.models import QuestionnaireVersion
from feedback_app.translating.content_translation import content_gettext
from feedback_app.web.choices import select_choices
from feedback_app.web.forms import DatePartsField, wave_name
from feedback_app.web.local_days import end_of_day_utc, local_to_utc
from surveys import AnswerType, Questionnaire

COLUMN_PREFIX = "column_"
ANSWER_PREFIX = "answer_"
#: Sample values shown under each column's choice.
SAMPLES = 3


class UploadForm(FlaskForm):
    """The CSV file and the questionnaire version it matches."""

    csv_file = FileField(
        _l("Upload the CSV file"),
        description=_l("A .csv file exported from the other survey tool, up to %(size)s."),
        widget=GovFileInput(),
        validators=[FileRequired(_l("Select a CSV file"))],
    )
    version = RadioField(
        _l("Which questionnaire does the file answer?"),
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Select the questionnaire the file answers"))],
    )


def upload_form(versions: list[QuestionnaireVersion], size: str) -> UploadForm:
    """The upload form offering the area's published versions."""
    form = UploadForm()
    form.version.choices = select_choices(
        (str(v.id), gettext("%(title)s, version %(number)s", title=v.title, number=v.version))
        for v in versions
    )
    form.csv_file.description = gettext(
        "A .csv file exported from the other survey tool, up to %(size)s.", size=size
    )
    return form


def columns_form(
    file: ImportFile, questionnaire: Questionnaire, mapping: ImportMapping, *, formdata: Any
) -> FlaskForm:
    """A choice per column: a question, the response's language, or ignore it."""

    class ColumnsForm(FlaskForm):
        separator = RadioField(
            _l("In “tick all that apply” columns, what separates two answers in one cell?"),
            choices=select_choices((s, _l(name)) for s, name in SEPARATORS.items()),
            widget=GovRadioInput(),
            validators=[InputRequired(_l("Select what separates answers"))],
        )
        not_asked = SelectMultipleField(
            _l("Questions the other survey did not ask"),
            description=_l(
                "Tick a question that was not in the survey you are importing. It gets no "
                "answers in this wave and is left out of every count and percentage for it, "
                "instead of counting as unanswered. Leave a question unticked if people "
                "were asked it but could skip it."
            ),
            choices=select_choices(
                (q.id, f"{content_gettext(q.text)} ({q.id})") for q in questionnaire.questions()
            ),
            widget=GovCheckboxesInput(),
        )

    choices = [(IGNORE, gettext("Ignore this column")), (LANGUAGE, gettext("Language"))]
    choices += [(q.id, f"{content_gettext(q.text)} ({q.id})") for q in questionnaire.questions()]
    options = select_choices(choices)
    for position, name in enumerate(file.columns):
        samples = _samples(file, position)
        field = SelectField(
            f"{column_letter(position)}: {name}",
            choices=options,
            description=gettext("For example: %(values)s", values=samples)
            if samples
            else gettext("Every cell in this column is blank"),
            widget=GovSelect(),
        )
        setattr(ColumnsForm, f"{COLUMN_PREFIX}{position}", field)
    data: dict[str, Any] = {f"{COLUMN_PREFIX}{p}": t for p, t in mapping.columns.items()}
    data["separator"] = mapping.separator
    data["not_asked"] = mapping.not_asked
    return ColumnsForm(formdata=formdata, data=data)


def _samples(file: ImportFile, position: int) -> str:
    seen: list[str] = []
    for row in file.rows:
        value = row[position]
        if value and value not in seen:
            seen.append(value[:60])
            if len(seen) == SAMPLES:
                break
    return ", ".join(f"“{v}”" for v in seen)


def chosen_columns(
    file: ImportFile, questionnaire: Questionnaire, form: FlaskForm
) -> tuple[dict[str, str], list[str]]:
    """Column position -> target from a validated form, and problems with the choice."""
    columns: dict[str, str] = {}
    used: dict[str, str] = {}
    problems: list[str] = []
    for position, name in enumerate(file.columns):
        target = form[f"{COLUMN_PREFIX}{position}"].data or IGNORE
        if target == IGNORE:
            continue
        question = questionnaire.question(target)
        several = question is not None and question.type is AnswerType.MULTIPLE
        if target in used and not several:
            message = gettext(
                "Only one column can be mapped to this: %(other)s is too", other=used[target]
            )
            form[f"{COLUMN_PREFIX}{position}"].errors = [message]
            problems.append(message)
            continue
        used.setdefault(target, f"{column_letter(position)} ({name})")
        columns[str(position)] = target
    if not any(t != LANGUAGE for t in columns.values()):
        problems.append(gettext("Map at least one column to a question"))
    for column, target in columns.items():
        if target in (form["not_asked"].data or []):
            message = gettext(
                "This column is mapped to a question you marked as not asked: "
                "untick it, or ignore the column"
            )
            form[f"{COLUMN_PREFIX}{column}"].errors = [message]
            problems.append(message)
    return columns, problems


def answer_field_name(question_id: str, index: int) -> str:
    """The form field for the ``index``-th different answer to a question."""
    return f"{ANSWER_PREFIX}{question_id}_{index}"


def ordered_texts(counts: Counter[str]) -> list[str]:
    """Answer texts, most given first (ties in alphabetical order): a stable order."""
    return sorted(counts, key=lambda t: (-counts[t], t))


def answers_form(
    questionnaire: Questionnaire,
    texts: dict[str, Counter[str]],
    chosen: dict[str, dict[str, str]],
    *,
    formdata: Any,
) -> FlaskForm:
    """A choice of option for every different answer text in every closed column."""

    class AnswersForm(FlaskForm):
        pass

    data: dict[str, str] = {}
    for question_id, counts in texts.items():
        question = questionnaire.question(question_id)
        if question is None:
            continue
        choices = [("", gettext("Choose an option"))]
        choices += [(o.code, content_gettext(o.label)) for o in question.options]
        choices.append((BLANK, gettext("Not an answer: leave the question blank")))
        options = select_choices(choices)
        for index, text in enumerate(ordered_texts(counts)):
            name = answer_field_name(question_id, index)
            field = SelectField(
                f"“{text}”",
                choices=options,
                description=gettext("%(count)s times", count=f"{counts[text]:,}"),
                widget=GovSelect(),
            )
            setattr(AnswersForm, name, field)
            data[name] = chosen.get(question_id, {}).get(text, "")
    return AnswersForm(formdata=formdata, data=data)


def chosen_answers(texts: dict[str, Counter[str]], form: FlaskForm) -> dict[str, dict[str, str]]:
    """Question id -> answer text -> option code (or BLANK), from a validated form."""
    chosen: dict[str, dict[str, str]] = {}
    for question_id, counts in texts.items():
        found = {}
        for index, text in enumerate(ordered_texts(counts)):
            code = form[answer_field_name(question_id, index)].data
            if code:
                found[text] = code
        chosen[question_id] = found
    return chosen


class ImportWaveForm(FlaskForm):
    """The wave the responses become: its name and when it ran (it is closed)."""

    name = wave_name(_l("For example, Baseline 2025 (collected on SurveyMonkey)"))
    opens = DatePartsField(
        _l("Date the survey opened"), blank_message=_l("Enter the date the survey opened")
    )
    closes = DatePartsField(
        _l("Date the survey closed"), blank_message=_l("Enter the date the survey closed")
    )

    def moments(self, timezone: str, now: dt.datetime) -> tuple[dt.datetime, dt.datetime] | None:
        """Opening and closing moments in UTC, or None after adding errors."""
        if self.opens.data is None or self.closes.data is None:
            return None
        opens_at = local_to_utc(self.opens.data, dt.time(0, 0), timezone)
        if self.closes.data < self.opens.data:
            self.closes.errors = [gettext("The close date must be on or after the open date")]
            return None
        if local_to_utc(self.closes.data, dt.time(0, 0), timezone) > now:
            self.closes.errors = [gettext("The close date must be today or in the past")]
            return None
        if opens_at > now:
            self.opens.errors = [gettext("The open date must be today or in the past")]
            return None
        # An imported wave is over: it closes at the end of its day, or now if that is today.
        return opens_at, min(end_of_day_utc(self.closes.data, timezone), now)
