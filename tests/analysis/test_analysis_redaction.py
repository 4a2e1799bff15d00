"""Issue 14 §4: redaction catches personal details without damaging ordinary words.

Measured on a labelled set of 556 realistic comments
(``tests/fixtures/redaction/comments.jsonl``, written by ``make_comments.py`` beside
it): names (after "my son", a title, a job, an introduction, or on their own),
schools, e-mail addresses, phone numbers, postcodes, NHS numbers, a street address,
and 256 comments with none, including the issue's damaged examples. The figures
are in docs/analysis.md ("Redaction").
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from analysis.redaction import redact

COMMENTS = Path(__file__).resolve().parents[1] / "fixtures" / "redaction" / "comments.jsonl"
WORD = re.compile(r"[A-Za-z0-9']+")


def load() -> list[dict[str, Any]]:
    return [json.loads(line) for line in COMMENTS.read_text(encoding="utf-8").splitlines()]


def damaged(comment: dict[str, Any], redacted: str) -> list[str]:
    """Ordinary words (outside every labelled detail) missing from the redacted text."""
    text = comment["text"]
    for detail in comment["details"]:
        text = text.replace(detail["text"], " ")
    for detail in comment["details"]:  # a detail missed is counted by ``missed``
        redacted = redacted.replace(detail["text"], " ")
    wanted = Counter(WORD.findall(text))
    kept = Counter(WORD.findall(redacted))
    return sorted((wanted - kept).elements())


def missed(comment: dict[str, Any], redacted: str) -> list[str]:
    """Labelled details still readable in the redacted text."""
    return [d["text"] for d in comment["details"] if d["text"] in redacted]


def measure() -> dict[str, Any]:
    comments = load()
    damaged_comments, details, caught, misses, damages = 0, 0, 0, [], []
    for comment in comments:
        redacted = redact(comment["text"])
        lost = damaged(comment, redacted)
        if lost:
            damaged_comments += 1
            damages.append((comment["text"], redacted, lost))
        left = missed(comment, redacted)
        details += len(comment["details"])
        caught += len(comment["details"]) - len(left)
        misses.extend((comment["text"], d) for d in left)
    return {
        "comments": len(comments),
        "damaged_share": damaged_comments / len(comments),
        "damaged": damages,
        "details": details,
        "caught_share": caught / details,
        "missed": misses,
    }


@pytest.fixture(scope="module")
def measured() -> dict[str, Any]:
    return measure()


def test_the_set_is_big_enough_and_covers_every_kind() -> None:
    comments = load()
    assert len(comments) >= 500
    kinds = Counter(d["kind"] for c in comments for d in c["details"])
    assert {"name", "school", "email", "phone", "postcode", "nhs_number"} <= set(kinds)
    assert sum(1 for c in comments if not c["details"]) >= 200


def test_ordinary_words_are_damaged_in_under_1_percent_of_comments(
    measured: dict[str, Any],
) -> None:
    assert measured["damaged_share"] < 0.01, measured["damaged"][:10]


def test_at_least_95_percent_of_personal_details_are_caught(measured: dict[str, Any]) -> None:
    assert measured["caught_share"] >= 0.95, measured["missed"][:10]


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("School do not follow the plan and my child is on a reduced timetable.", None),
        ("His teacher and the SENCO are brilliant and really understand him.", None),
        ("My son Jacob waited.", "My son [name] waited."),
        ("Mrs Smith the SENCO was great", "[name] the SENCO was great"),
    ],
)
def test_the_issue_examples(text: str, kept: str | None) -> None:
    assert redact(text) == (text if kept is None else kept)


if __name__ == "__main__":
    found = measure()
    print(
        f"{found['comments']} comments; ordinary words damaged in "
        f"{found['damaged_share']:.1%}; {found['details']} details, caught "
        f"{found['caught_share']:.1%}"
    )
    for row in found["damaged"][:15]:
        print("DAMAGED", row)
    for row in found["missed"][:25]:
        print("MISSED", row)
