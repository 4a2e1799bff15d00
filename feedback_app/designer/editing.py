"""Changes a coordinator makes to a questionnaire, as pure functions.

Each function takes a questionnaire and returns a new one (definitions are
immutable), or raises ``DesignError`` with a plain-words reason. The designer
keeps one question per page, with the page id equal to the question id, so
"move a question" and "move a page" are the same thing.

Nothing here touches the database or Flask's request: the views call these and
save the result as a draft revision.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from feedback_app.designer.codes import (
    DesignError,
    available_pictures,
    new_question_id,
    options_from_lines,
)
from surveys import AnswerType, Question, Questionnaire, Setting, spec_of
from surveys.answer_types import DONT_KNOW
from surveys.library import bundled_questionnaires, kpi_bank
from surveys.options import Option


@dataclass(frozen=True)
class BankQuestion:
    """A KPI from the bank with the question that measures it (wording locked)."""

    kpi_id: str
    reference: str
    title: str
    question: Question


def bank_questions() -> list[BankQuestion]:
    """Each KPI in the bank with its question, worded as in the bundled questionnaires."""
    by_id: dict[str, Question] = {}
    # parent_annual first: its wording is the baseline every follow-up must match.
    library = bundled_questionnaires()
    ordered = [library.pop("parent_annual")] if "parent_annual" in library else []
    for questionnaire in [*ordered, *library.values()]:
        for question in questionnaire.questions():
            if question.kpis:
                by_id.setdefault(question.id, question)
    return [
        BankQuestion(kpi.id, kpi.reference or kpi.id, kpi.title, by_id[kpi.question])
        for kpi in kpi_bank().kpis
        if kpi.question in by_id
    ]


def is_locked(question: Question) -> bool:
    """KPI questions keep the bank's wording and options, so results stay comparable."""
    return bool(question.kpis)


def _data(q: Questionnaire) -> dict[str, Any]:
    return q.model_dump(mode="json", exclude_defaults=True)


def _rebuild(data: dict[str, Any]) -> Questionnaire:
    # The designer keeps the first page first: reordering must not orphan it.
    if data["pages"]:
        data["first_page"] = data["pages"][0]["id"]
    return Questionnaire.model_validate(data)


def _index(data: dict[str, Any], question_id: str) -> int:
    for index, page in enumerate(data["pages"]):
        if any(question["id"] == question_id for question in page["questions"]):
            return index
    raise DesignError(_l("That question is not in this questionnaire."))


def add_bank_question(q: Questionnaire, kpi_id: str) -> tuple[Questionnaire, Question]:
    """Add the question that measures ``kpi_id``, worded exactly as in the bank."""
    entry = next((b for b in bank_questions() if b.kpi_id == kpi_id), None)
    if entry is None:
        raise DesignError(_l("Select a KPI question from the list"))
    if q.question(entry.question.id) is not None or q.page(entry.question.id) is not None:
        raise DesignError(
            _l("This questionnaire already asks the %(kpi)s question", kpi=entry.reference)
        )
    data = _data(q)
    question = entry.question.model_dump(mode="json", exclude_defaults=True)
    data["pages"].append({"id": entry.question.id, "questions": [question]})
    return _rebuild(data), entry.question


def add_own_question(
    q: Questionnaire,
    *,
    answer_type: AnswerType,
    text: str,
    hint: str = "",
    options_text: str = "",
    optional: bool = False,
    min_value: int | None = None,
    max_value: int | None = None,
    picture: str | None = None,
    points: int | None = None,
    dont_know: bool | None = None,
) -> tuple[Questionnaire, str]:
    """Add a question the coordinator wrote; returns the questionnaire and its id."""
    question_id = new_question_id(q, text)
    question: dict[str, Any] = {"id": question_id, "type": answer_type.value, "text": text}
    _apply_fields(
        question,
        answer_type=answer_type,
        hint=hint,
        options_text=options_text,
        optional=optional,
        min_value=min_value,
        max_value=max_value,
    )
    _set_picture_and_points(question, picture=picture, points=points, dont_know=dont_know)
    data = _data(q)
    data["pages"].append({"id": question_id, "questions": [question]})
    return _rebuild(data), question_id


def _apply_fields(
    question: dict[str, Any],
    *,
    answer_type: AnswerType,
    hint: str,
    options_text: str,
    optional: bool,
    min_value: int | None,
    max_value: int | None,
) -> None:
    _set_hint_and_optional(question, hint=hint, optional=optional)
    settings = spec_of(answer_type).settings
    if Setting.OWN_OPTIONS in settings and not question.get("area_options"):
        question["options"] = options_from_lines(
            options_text, keep=tuple(question.get("options", ()))
        )
    if Setting.RANGE in settings:
        if min_value is not None and max_value is not None and min_value > max_value:
            raise DesignError(_l("The smallest number must be less than the largest"))
        for key, value in (("min_value", min_value), ("max_value", max_value)):
            if value is None:
                question.pop(key, None)
            else:
                question[key] = value


def _set_picture_and_points(
    question: dict[str, Any],
    *,
    picture: str | None,
    points: int | None,
    dont_know: bool | None = None,
) -> None:
    # None leaves things as they are; "" removes the picture.
    if picture is not None:
        if picture and picture not in available_pictures():
            raise DesignError(_l("Select one of the pictures"), field="picture")
        if picture:
            question["picture"] = picture
        else:
            question.pop("picture", None)
    spec = spec_of(question["type"])
    if points is not None and Setting.POINTS in spec.settings:
        if points not in spec.standard:
            raise DesignError(_l("Select 3 or 5 faces"), field="points")
        question["points"] = points
        # The standard options for that many points (faces come with their pictures).
        question["options"] = _dumped(spec.standard_options(points))
    if dont_know is not None and Setting.DONT_KNOW in spec.settings:
        # The standard list, with or without "Don't know" at the end.
        options = spec.standard_options()
        kept = options if dont_know else tuple(o for o in options if o.code != DONT_KNOW.code)
        question["options"] = _dumped(kept)


def _dumped(options: tuple[Any, ...]) -> list[dict[str, Any]]:
    return [o.model_dump(mode="json", exclude_defaults=True) for o in options]


def _set_hint_and_optional(question: dict[str, Any], *, hint: str, optional: bool) -> None:
    if hint:
        question["hint"] = hint
    else:
        question.pop("hint", None)
    if optional:
        question["optional"] = True
    else:
        question.pop("optional", None)


def edit_question(
    q: Questionnaire,
    question_id: str,
    *,
    text: str,
    hint: str,
    optional: bool,
    options_text: str = "",
    min_value: int | None = None,
    max_value: int | None = None,
    picture: str | None = None,
    points: int | None = None,
    dont_know: bool | None = None,
) -> Questionnaire:
    """Change a question's words, hint, options or whether it may be skipped.

    A KPI question's text and options are locked: only the hint and "optional"
    change, whatever was sent.
    """
    data = _data(q)
    page = data["pages"][_index(data, question_id)]
    question = next(item for item in page["questions"] if item["id"] == question_id)
    if question.get("kpis"):
        # Whatever was sent, the bank's wording and options stay.
        _set_hint_and_optional(question, hint=hint, optional=optional)
        _set_picture_and_points(question, picture=picture, points=None)
    else:
        question["text"] = text
        _apply_fields(
            question,
            answer_type=AnswerType(question["type"]),
            hint=hint,
            options_text=options_text,
            optional=optional,
            min_value=min_value,
            max_value=max_value,
        )
        _set_picture_and_points(question, picture=picture, points=points, dont_know=dont_know)
    return _rebuild(data)


def move_question(q: Questionnaire, question_id: str, *, up: bool) -> Questionnaire:
    """Move a question's page one place up or down."""
    data = _data(q)
    index = _index(data, question_id)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(data["pages"]):
        raise DesignError(
            _l("That question is already first") if up else _l("That question is already last")
        )
    pages = data["pages"]
    pages[index], pages[other] = pages[other], pages[index]
    return _rebuild(data)


def remove_question(q: Questionnaire, question_id: str) -> tuple[Questionnaire, list[str]]:
    """Remove a question; rules that looked at its answer go too (their ids returned)."""
    data = _data(q)
    index = _index(data, question_id)
    page = data["pages"][index]
    page["questions"] = [item for item in page["questions"] if item["id"] != question_id]
    if not page["questions"]:
        del data["pages"][index]
    if not data["pages"]:
        raise DesignError(
            _l("A questionnaire needs at least one question. Add another before removing this one.")
        )
    cleared = []
    for other in data["pages"]:
        if "show_when" in other and _mentions(other["show_when"], question_id):
            del other["show_when"]
            cleared.append(other["id"])
    return _rebuild(data), cleared


def _mentions(condition: Any, question_id: str) -> bool:
    if isinstance(condition, dict):
        if condition.get("answer") == question_id:
            return True
        return any(_mentions(value, question_id) for value in condition.values())
    if isinstance(condition, list):
        return any(_mentions(value, question_id) for value in condition)
    return condition == question_id


def earlier_closed_questions(q: Questionnaire, question_id: str) -> list[Question]:
    """Questions on earlier pages with options: what a "show only if" rule may look at."""
    found: list[Question] = []
    for page in q.pages:
        if any(question.id == question_id for question in page.questions):
            return found
        found += [question for question in page.questions if question.is_closed]
    return found


def set_show_if(
    q: Questionnaire, question_id: str, *, source_id: str, codes: list[str]
) -> Questionnaire:
    """Show the question only when the answer to ``source_id`` is one of ``codes``."""
    source = next((s for s in earlier_closed_questions(q, question_id) if s.id == source_id), None)
    if source is None:
        raise DesignError(_l("Select a question that comes before this one"))
    valid = [option.code for option in source.options]
    chosen = [code for code in valid if code in codes]
    if not chosen or len(chosen) != len(set(codes)):
        raise DesignError(_l("Select at least one answer"))
    data = _data(q)
    data["pages"][_index(data, question_id)]["show_when"] = {"in": [{"answer": source_id}, chosen]}
    return _rebuild(data)


def positive_choices(question: Question) -> list[Option]:
    """The options a coordinator may count as positive: a closed question's options
    in the base ("Don't know" and the like cannot be positive). None for free text
    or an area's own list (filled in only when published)."""
    if not question.is_closed or question.area_options:
        return []
    return [o for o in question.options if not o.exclude_from_base]


def set_positive(q: Questionnaire, question_id: str, *, codes: list[str]) -> Questionnaire:
    """Count ``codes`` as the question's positive answers ("% positive" in results).

    None ticked is allowed: the question then has no % positive. Ticking exactly the
    answer type's default leaves the question to the default.
    """
    question = q.question(question_id)
    choices = [o.code for o in positive_choices(question)] if question else []
    if question is None or not choices:
        raise DesignError(_l("This question has no answers that can be counted as positive"))
    if len(set(codes)) != len(codes) or not set(codes) <= set(choices):
        raise DesignError(_l("Select answers from the list"))
    chosen = [code for code in choices if code in codes]
    default = [c for c in choices if c in question.spec.default_positive(question.points)]
    data = _data(q)
    target = next(
        item for page in data["pages"] for item in page["questions"] if item["id"] == question_id
    )
    if chosen == default:
        target.pop("positive", None)
    else:
        target["positive"] = chosen
    return _rebuild(data)


def clear_show_if(q: Questionnaire, question_id: str) -> Questionnaire:
    """Always show the question's page."""
    data = _data(q)
    data["pages"][_index(data, question_id)].pop("show_when", None)
    return _rebuild(data)


DETAIL_FIELDS = (
    "title",
    "description",
    "kind",
    "estimated_minutes",
    "easy_read",
    "privacy_notice",
    "next_steps",
)


def update_details(q: Questionnaire, **details: Any) -> Questionnaire:
    """Change the questionnaire's title, description, kind, length, notices and
    whether it is Easy Read."""
    data = _data(q)
    data.update({key: details[key] for key in DETAIL_FIELDS if key in details})
    return _rebuild(data)
