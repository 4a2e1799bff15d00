"""Readable question ids and option codes made from a coordinator's own words.

Coordinators never type ids or codes: "Which school?" becomes ``which_school``
and "Don't know" becomes ``dont_know``, unique within the questionnaire.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from surveys import Questionnaire
from surveys.library import kpi_bank

#: Pictures an Easy Read question can show beside it (our own SVGs; faces are for options).
PICTURE_DIR = Path(__file__).resolve().parents[1] / "static" / "pictures"
MAX_OPTIONS = 30
MAX_OPTION_LABEL = 200
ID_LENGTH = 40
#: Options left out of percentages when a coordinator writes them ("Don't know").
NOT_COUNTED_CODES = frozenset({"dont_know", "prefer_not_to_say", "not_sure"})


class DesignError(ValueError):
    """A change that cannot be made, with the reason in plain words."""

    def __init__(self, message: str | LazyString, *, field: str = "options") -> None:
        super().__init__(str(message))
        self.message = message
        #: The form field the message belongs beside.
        self.field = field


def _slug(text: str, *, length: int) -> str:
    # "Don't know" -> dont_know, like the standard options.
    slug = re.sub(r"[^a-z0-9]+", "_", re.sub(r"['’]", "", text.lower())).strip("_")
    if len(slug) > length:
        slug = slug[:length].rsplit("_", 1)[0] or slug[:length]
    return slug.strip("_")


def _taken_ids(q: Questionnaire) -> set[str]:
    taken = {p.id for p in q.pages} | {question.id for question in q.questions()}
    # Keep the bank's ids free, so a KPI question can always be added later.
    return taken | {k.question for k in kpi_bank().kpis if k.question}


def new_question_id(q: Questionnaire, text: str) -> str:
    """A readable, unused id made from the question's words."""
    base = _slug(text, length=ID_LENGTH)
    if not base or not base[0].isalpha():
        base = f"question_{base}".rstrip("_")
    taken = _taken_ids(q)
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}_{number}", number + 1
    return candidate


def options_from_lines(text: str, *, keep: tuple[dict[str, Any], ...] = ()) -> list[dict[str, Any]]:
    """Options from "one option per line"; codes come from the labels.

    An unchanged label keeps its old code and settings (``keep``), so rules and
    results that use the code still work after an edit.
    """
    labels = [line.strip() for line in text.splitlines() if line.strip()]
    if not labels:
        raise DesignError(_l("Enter at least one option, one on each line"))
    if len(labels) > MAX_OPTIONS:
        raise DesignError(_l("Enter %(count)d options or fewer", count=MAX_OPTIONS))
    if any(len(label) > MAX_OPTION_LABEL for label in labels):
        raise DesignError(
            _l("Each option must be %(count)d characters or fewer", count=MAX_OPTION_LABEL)
        )
    if len({label.casefold() for label in labels}) != len(labels):
        raise DesignError(_l("Each option must be different"))
    old = {option["label"]: option for option in keep}
    used: set[str] = set()
    options = []
    for number, label in enumerate(labels, start=1):
        option: dict[str, Any] = dict(old[label]) if label in old else {"label": label}
        if "code" not in option or option["code"] in used:
            base = _slug(label, length=50) or f"option_{number}"
            code, suffix = base, 2
            while code in used or any(o.get("code") == code for o in keep if o["label"] != label):
                code, suffix = f"{base}_{suffix}", suffix + 1
            option["code"] = code
            if code in NOT_COUNTED_CODES:
                # As in the standard scales: not an opinion, so not in the percentages.
                option["exclude_from_base"] = True
        used.add(option["code"])
        options.append({"code": option.pop("code"), **option})
    return options


@cache
def available_pictures() -> tuple[str, ...]:
    """Names of the bundled pictures a question can show (not the faces)."""
    return tuple(
        sorted(p.stem for p in PICTURE_DIR.glob("*.svg") if not p.stem.startswith("face_"))
    )
