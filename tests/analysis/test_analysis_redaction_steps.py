"""Redaction's short cuts change nothing (issue 17).

``redact`` skips a pattern when the text lacks something every match of it
contains (an ``@`` for an e-mail address, a digit for a phone number, a school
word, a title). Run with every pattern on every text, the result must be the
same: on the labelled comments, on them in other cases and with other digits,
and on generated text.
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import redaction
from analysis.redaction import STEPS, redact

COMMENTS = Path(__file__).resolve().parents[1] / "fixtures" / "redaction" / "comments.jsonl"


def every_pattern(text: str) -> str:
    """``redact`` without its short cuts."""
    for _needed, pattern, replacement in STEPS:
        text = pattern.sub(replacement, text)
    return redaction._listed_names(text)


def texts() -> list[str]:
    found = [json.loads(line)["text"] for line in COMMENTS.read_text("utf-8").splitlines()]
    # Other cases, Arabic-Indic and full-width digits (\d matches them too).
    digits = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    wide = str.maketrans("0123456789", "０１２３４５６７８９")
    return [
        *found,
        *(t.lower() for t in found),
        *(t.upper() for t in found),
        *(t.translate(digits) for t in found),
        *(t.translate(wide) for t in found),
    ]


def test_the_short_cuts_give_what_every_pattern_gives() -> None:
    for text in texts():
        assert redact(text) == every_pattern(text), text


def test_every_match_contains_what_its_step_looks_for() -> None:
    for text in texts():
        for needed, pattern, replacement in STEPS:
            if needed is not None:
                for match in pattern.finditer(text):
                    assert needed.search(match.group(0)), (pattern.pattern, match.group(0))
            text = pattern.sub(replacement, text)


def test_the_placeholders_contain_nothing_a_step_looks_for() -> None:
    placeholders = ["[email]", "[phone]", "[NHS number]", "[postcode]", "[address]"]
    placeholders += ["[school]", "[name]"]
    for needed, _pattern, _replacement in STEPS:
        if needed is not None:
            assert not any(needed.search(p) for p in placeholders), needed.pattern


PIECES = st.sampled_from(
    [
        "my son ", "Mrs ", "Dr. ", "Mr ", "the SENCO, ", "this is ", "Jacob", "Amelia Jones",
        "Hope", "Oakfield Primary School", "St. Mary's CE Academy", "jo.bloggs@example.org",
        "@", "07700 900123", "+44 7700 900123", "943 476 5919", "PR8 1AB", "12 Oak Road",
        "٣", "7", " ", ", ", ". ", "\n", "'s", "école", "Zoë", "MIT", "Professor ",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(PIECES, st.text(max_size=6)), max_size=12))
def test_the_short_cuts_on_generated_text(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert redact(text) == every_pattern(text)
