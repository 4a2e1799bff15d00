"""What the officer confirms: which column holds which question, and which answer
text means which option. Suggestions are made by matching words, never applied
without being shown.

Pure (no Flask, no database). A mapping is stored as JSON between the steps and
kept with the import, so it is plain data: column positions as strings.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from feedback_app.imports.reading import ImportFile
from feedback_app.web.languages import SHIPPED_LANGUAGES
from surveys import AnswerType, Question, Questionnaire

#: Column target meaning "the language the response was given in".
LANGUAGE = "@language"
#: Column target meaning "not imported".
IGNORE = ""
#: Answer target meaning "this text is not an answer (leave the question blank)".
BLANK = "@blank"
SEPARATORS = {";": "semicolon", ",": "comma", "|": "vertical bar"}
#: A closed question's column with more different answers than this is not mapped
#: answer by answer: it is almost certainly the wrong column.
MAX_DISTINCT_ANSWERS = 60
#: How close a header must be to a question's text to be suggested (0 to 1).
SUGGEST_RATIO = 0.75

_WORDS = re.compile(r"[\W_]+")
_QUESTION_NUMBER = re.compile(r"^\s*(q(uestion)?\s*)?\d+[a-z]?\s*[.):-]\s*", re.IGNORECASE)

#: English and own-language names, so a "Language" column says what a person wrote.
LANGUAGE_NAMES = {
    "english": "en", "welsh": "cy", "cymraeg": "cy", "polish": "pl", "polski": "pl",
    "romanian": "ro", "română": "ro", "romana": "ro", "urdu": "ur", "اردو": "ur",
    "arabic": "ar", "العربية": "ar", "bengali": "bn", "bangla": "bn", "বাংলা": "bn",
    "punjabi": "pa", "ਪੰਜਾਬੀ": "pa", "somali": "so", "soomaali": "so",
    "ukrainian": "uk", "українська": "uk",
}  # fmt: skip


@dataclass
class ImportMapping:
    """Column position -> question id (or LANGUAGE); question id -> text -> option code;
    and the questions the other survey did not ask (``not_asked``).

    A question not asked in the imported wave has no column and no answers: it is
    out of every base for that wave, and the import record says so.
    """

    columns: dict[str, str] = field(default_factory=dict)
    answers: dict[str, dict[str, str]] = field(default_factory=dict)
    separator: str = ";"
    not_asked: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Plain data to store."""
        return {
            "columns": self.columns,
            "answers": self.answers,
            "separator": self.separator,
            "not_asked": self.not_asked,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> ImportMapping:
        """Read back what ``to_json`` stored (anything odd is dropped)."""
        data = data or {}
        columns = data.get("columns") or {}
        answers = data.get("answers") or {}
        separator = data.get("separator")
        not_asked = data.get("not_asked") or []
        return cls(
            columns={str(k): str(v) for k, v in columns.items() if isinstance(v, str)},
            answers={
                str(q): {str(t): str(c) for t, c in texts.items()}
                for q, texts in answers.items()
                if isinstance(texts, dict)
            },
            separator=separator if separator in SEPARATORS else ";",
            not_asked=[str(q) for q in not_asked if isinstance(q, str)]
            if isinstance(not_asked, list)
            else [],
        )

    def question_columns(self) -> dict[str, list[int]]:
        """Question id -> the column positions mapped to it, in file order."""
        found: dict[str, list[int]] = {}
        for position, target in sorted(self.columns.items(), key=lambda kv: int(kv[0])):
            if target and target != LANGUAGE:
                found.setdefault(target, []).append(int(position))
        return found

    def language_column(self) -> int | None:
        """The position of the language column, if one is mapped."""
        return next((int(p) for p, t in self.columns.items() if t == LANGUAGE), None)


def normalise(text: str) -> str:
    """Text compared case-, punctuation- and whitespace-insensitively."""
    return " ".join(_WORDS.sub(" ", text.casefold()).split())


def answer_key(text: str) -> str:
    """An answer text as the mapping stores it: whitespace collapsed, ends trimmed."""
    return " ".join(text.split())


def suggest_columns(file: ImportFile, questionnaire: Questionnaire) -> dict[str, str]:
    """A suggested target for each column: a question whose id or text it names."""
    questions = questionnaire.questions()
    scored: list[tuple[float, int, str]] = []
    for position, name in enumerate(file.columns):
        header = normalise(_QUESTION_NUMBER.sub("", name))
        if header in {"language", "lang", "language code"}:
            scored.append((1.0, position, LANGUAGE))
            continue
        # "Question - option" (a SurveyMonkey option column) is judged by its question.
        question_part = normalise(_QUESTION_NUMBER.sub("", name.split(" - ")[0]))
        for question in questions:
            score = max(
                _similarity(header, question),
                _similarity(question_part, question) if question.type is AnswerType.MULTIPLE else 0,
            )
            if score >= SUGGEST_RATIO:
                scored.append((score, position, question.id))
    suggestions: dict[str, str] = {}
    taken: set[str] = set()
    multiple = {q.id for q in questions if q.type is AnswerType.MULTIPLE}
    # Best matches first; a question takes one column, except "tick all that apply".
    for _score, position, target in sorted(scored, key=lambda s: (-s[0], s[1])):
        key = str(position)
        if key in suggestions or (target in taken and target not in multiple):
            continue
        suggestions[key] = target
        taken.add(target)
    return suggestions


def _similarity(header: str, question: Question) -> float:
    if not header:
        return 0.0
    if header in {normalise(question.id), question.id}:
        return 1.0
    text = normalise(question.text)
    if header == text:
        return 1.0
    return difflib.SequenceMatcher(None, header, text).ratio()


def split_cell(question: Question, cell: str, separator: str) -> list[str]:
    """The answer texts in one cell: several for "tick all that apply"."""
    parts = cell.split(separator) if question.type is AnswerType.MULTIPLE else [cell]
    return [answer_key(p) for p in parts if p.strip()]


def distinct_answers(
    file: ImportFile, questionnaire: Questionnaire, mapping: ImportMapping
) -> dict[str, Counter[str]]:
    """Closed question id -> each different answer text in its columns, with counts."""
    found: dict[str, Counter[str]] = {}
    for question_id, positions in mapping.question_columns().items():
        question = questionnaire.question(question_id)
        if question is None or not question.is_closed:
            continue
        counts: Counter[str] = Counter()
        for row in file.rows:
            for position in positions:
                counts.update(split_cell(question, row[position], mapping.separator))
        found[question_id] = counts
    return found


def suggest_answer(question: Question, text: str) -> str | None:
    """The option code whose label or code is ``text`` (ignoring case and spacing)."""
    wanted = normalise(text)
    for option in question.options:
        if wanted in {normalise(option.label), normalise(option.code)}:
            return option.code
    return None


def suggested_answers(
    questionnaire: Questionnaire, texts: Mapping[str, Iterable[str]]
) -> dict[str, dict[str, str]]:
    """Question id -> answer text -> suggested option code (only where one matches)."""
    suggestions: dict[str, dict[str, str]] = {}
    for question_id, answers in texts.items():
        question = questionnaire.question(question_id)
        if question is None:
            continue
        found = {t: code for t in answers if (code := suggest_answer(question, t)) is not None}
        suggestions[question_id] = found
    return suggestions


def language_code(text: str) -> str | None:
    """The shipped language a cell names ("cy", "Welsh", "Cymraeg"), or None."""
    wanted = text.strip().casefold()
    if not wanted:
        return "en"
    if wanted in SHIPPED_LANGUAGES:
        return wanted
    return LANGUAGE_NAMES.get(wanted)
