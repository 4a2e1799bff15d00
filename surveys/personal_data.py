"""Spotting contact details in free text: e-mail addresses and UK phone numbers.

Free-text answers are meant to say what happened, not who someone is. When an
answer seems to hold an e-mail address or a phone number the respondent is asked
(never forced) to remove it. A false alarm costs them a second press of a button,
so the rules lean towards missing an odd format rather than flagging years,
amounts, dates, times or counts such as "3 children".

Pure functions, no Flask: the web layer decides what to show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

#: Only this much of an answer is looked at (answers are at most 10,000 characters).
MAX_CHECKED_CHARS = 20_000


class PersonalDataKind(StrEnum):
    """A kind of contact detail."""

    EMAIL = "email"
    PHONE = "phone"


@dataclass(frozen=True)
class PersonalDataMatch:
    """One contact detail found in a text: what it looks like and where it is."""

    kind: PersonalDataKind
    start: int
    end: int


# Bounded repetitions keep the work linear however long a word is.
_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.!#$%&'*+/=?^`{|}~-]{1,64}"
    r"@[^\W_](?:[\w-]{0,62})(?:\.[\w-]{1,63}){0,8}\.[^\W\d_]{2,24}(?![\w-])"
)
# A run that starts like a phone number: "+44", "+353", "(0161)", "07700"; then
# digits with the separators people type between groups.
_PHONE_CANDIDATE = re.compile(r"(?<![\w.,/£$€+-])(?:\+\s?\d|\(\s?0|0)[\d \t().-]{7,22}\d(?![\d:])")
# "01-02-2023 10" is a date then an hour, not a number to ring.
_DATE = re.compile(r"\b\d{1,2}([-./])\d{1,2}\1\d{2,4}\b")
# UK numbers after the leading 0: 01/02 geographic, 03 non-geographic, 05 corporate,
# 07 mobile, 08 freephone. 04 and 06 are unused; 09 is premium rate.
_UK_FIRST_DIGITS = frozenset("123578")


def _is_uk_national(digits: str) -> bool:
    """Digits after the leading 0 (or after +44) of a UK number."""
    return len(digits) in (9, 10) and digits[0] in _UK_FIRST_DIGITS


def _is_phone(candidate: str) -> bool:
    if _DATE.search(candidate):
        return False
    # "0 5 7 11 13" is a list of ages; a phone number has at most one lone digit
    # (the "0" of "+44 (0)20").
    if sum(len(group) == 1 for group in re.findall(r"\d+", candidate)) > 1:
        return False
    digits = re.sub(r"\D", "", candidate)
    if candidate.startswith("+"):
        if digits.startswith("44"):
            national = digits[2:]
            # "+44 (0)20 ..." writes the trunk 0 it should drop.
            if national.startswith("0"):
                national = national[1:]
            return _is_uk_national(national)
        # Another country's number in international format (E.164 allows 15).
        return 10 <= len(digits) <= 15
    return digits.startswith("0") and _is_uk_national(digits[1:])


def find_personal_data(text: str) -> tuple[PersonalDataMatch, ...]:
    """E-mail addresses and phone numbers in ``text``, in order of where they start.

    >>> [m.kind.value for m in find_personal_data("Ring me on 07700 900123")]
    ['phone']
    >>> find_personal_data("We have 3 children and waited from 2019 to 2021")
    ()
    """
    checked = text[:MAX_CHECKED_CHARS]
    found: list[PersonalDataMatch] = []
    if "@" in checked:
        found.extend(
            PersonalDataMatch(PersonalDataKind.EMAIL, m.start(), m.end())
            for m in _EMAIL.finditer(checked)
        )
    for match in _PHONE_CANDIDATE.finditer(checked):
        if _is_phone(match.group().rstrip()):
            found.append(PersonalDataMatch(PersonalDataKind.PHONE, match.start(), match.end()))
    return tuple(sorted(found, key=lambda m: m.start))


def personal_data_kinds(text: str) -> frozenset[PersonalDataKind]:
    """The kinds of contact detail ``text`` seems to hold (empty when none)."""
    return frozenset(match.kind for match in find_personal_data(text))
