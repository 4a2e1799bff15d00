"""Contact details in free text: what is spotted, and what must not be."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveys.personal_data import (
    PersonalDataKind,
    find_personal_data,
    personal_data_kinds,
)

EMAIL, PHONE = PersonalDataKind.EMAIL, PersonalDataKind.PHONE


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("You can email me at jo.bloggs@example.co.uk if you like", "jo.bloggs@example.co.uk"),
        ("me+send@mail.example.org.", "me+send@mail.example.org"),
        ("Contact: Ana.Kowalska@przyklad.pl", "Ana.Kowalska@przyklad.pl"),
        ("(sam_o'neil@example.com)", "sam_o'neil@example.com"),
    ],
)
def test_email_addresses_are_found_where_they_are(text: str, shown: str) -> None:
    (match,) = find_personal_data(text)
    assert match.kind is EMAIL
    assert text[match.start : match.end] == shown


@pytest.mark.parametrize(
    "number",
    [
        "07700 900123",
        "07700900123",
        "07700-900-123",
        "+44 7700 900123",
        "+447700900123",
        "+44 (0)20 7946 0958",
        "020 7946 0958",
        "0161 496 0000",
        "(0161) 496 0000",
        "01632 960001",
        "0300 123 4567",
        "0800 123 4567",
        "+353 1 234 5678",
    ],
)
def test_uk_phone_numbers_in_the_ways_people_write_them(number: str) -> None:
    text = f"Please ring {number} after school."
    (match,) = find_personal_data(text)
    assert match.kind is PHONE
    assert text[match.start : match.end].strip() == number


@pytest.mark.parametrize(
    "text",
    [
        "We waited from 2019 to 2021, then 2022.",
        "I have 3 children, aged 5, 7 and 11.",
        "It cost us £1,250.00 and then $300 more; 1200 pounds in all.",
        "The plan was issued on 01/02/2024 at 10:30.",
        "Meeting on 01-02-2023 10:30 and again 03.04.2024",
        "She is 0-25 SEND, year 10, 2 hours 30 minutes a week.",
        "Ages 0 5 7 11 13 in our family",
        "Scored 0.75 out of 1; 100% better; 50 out of 250 days",
        "The @council account on social media",
        "name at example dot com",
        "An amount of 0123 is too short, so is 012345678",
        "EHC0123456789 is the plan reference",
        "",
    ],
)
def test_numbers_that_are_not_contact_details_are_left_alone(text: str) -> None:
    assert find_personal_data(text) == ()


def test_kinds_of_both_in_one_answer_in_order() -> None:
    text = "Text 07700 900123 or write to a@b.example.org"
    assert personal_data_kinds(text) == {EMAIL, PHONE}
    assert [m.kind for m in find_personal_data(text)] == [PHONE, EMAIL]
    assert personal_data_kinds("Nothing to see") == frozenset()


def test_long_answers_are_checked_quickly() -> None:
    # Worst cases for a backtracking matcher: one endless word, endless digits.
    texts = ["a" * 10_000 + "@", "0" * 10_000, ("0 " * 5_000), "a." * 5_000 + "@x"]
    started = time.perf_counter()
    for text in texts:
        find_personal_data(text)
    assert time.perf_counter() - started < 1.0


@given(st.text(max_size=300))
def test_never_fails_and_spans_are_inside_the_text(text: str) -> None:
    for match in find_personal_data(text):
        assert 0 <= match.start < match.end <= len(text)
