"""A Babel extractor for questionnaire files: every text a respondent sees.

Used from ``babel.cfg`` as ``[surveys.extract.extract_questionnaire: ...]`` so
the questionnaires share the interface's gettext catalogs and tools.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from surveys.loading import parse_questionnaire
from surveys.model import Questionnaire

#: (line number, function name, message, translator comments), as Babel expects.
Extracted = tuple[int, str | None, str, list[str]]


def questionnaire_messages(questionnaire: Questionnaire) -> Iterator[tuple[str, str]]:
    """Every translatable text in a questionnaire, with a note on where it is."""
    q = questionnaire
    yield q.title, f"{q.id}: title"
    yield q.description, f"{q.id}: who it is for"
    yield q.privacy_notice, f"{q.id}: privacy notice"
    yield q.next_steps, f"{q.id}: what happens next"
    for page in q.pages:
        if page.title:
            yield page.title, f"{q.id}: page {page.id} heading"
        for question in page.questions:
            yield question.text, f"{q.id}: question {question.id}"
            if question.hint:
                yield question.hint, f"{q.id}: hint of {question.id}"
            for option in question.options:
                yield option.label, f"{q.id}: option {option.code} of {question.id}"
                if option.hint:
                    yield option.hint, f"{q.id}: hint of option {option.code}"


def extract_questionnaire(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[Extracted]:
    """Babel extraction method for a questionnaire YAML/JSON file."""
    del keywords, comment_tags, options  # part of Babel's calling convention
    text = fileobj.read().decode("utf-8")
    questionnaire = parse_questionnaire(text, source=getattr(fileobj, "name", "<file>"))
    for message, note in questionnaire_messages(questionnaire):
        yield 1, None, message, [note]
