"""Redacting quotes before anyone sees them: the one function for every place a comment shows.

``redact`` replaces e-mail addresses, UK phone numbers, NHS numbers, postcodes,
street addresses, named schools and people's names with placeholders, and leaves
every other word as it was. It is used by the responses download, the comment
pages, the themes' example quotes and the board report.

Names are found two ways:

- after a cue that says a name follows: a title ("Mrs Patel"), a relation or a
  job ("my son Jacob", "our SENCO Sarah"), an introduction ("my name is", "this
  is", "I'm"). Only a capitalised word counts as the name, so "my child is on"
  and "his teacher and the SENCO" keep their words;
- on their own, from a list of first names shipped in the Faker package (its
  British, Irish, American, Pakistani, Indian, Nigerian, Kenyan, Polish,
  Romanian and Turkish name lists), less the names that are also everyday
  English words ("Will", "May", "Hope", "Grace", "Mark"): those need a cue. A
  capitalised word after a first name is taken as the surname.

Measured on a labelled set of 556 comments (``tests/fixtures/redaction/``, ADR 0019,
``tests/analysis/test_analysis_redaction.py``): see docs/analysis.md,
"Redaction". A quote can still identify a family: an officer must read quotes
before they are published.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any, Final

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# UK numbers: +44 or 0, then 9-10 more digits with optional spaces, dots or dashes.
PHONE = re.compile(r"(?<![\w+])(?:\+44\s?\(?0?\)?|0)(?:[\s.-]?\d){9,10}(?!\d)")
# NHS numbers: ten digits, usually written 3-3-4 (checked after phone numbers, which
# start with 0 or +44; an NHS number never starts with 0).
NHS_NUMBER = re.compile(r"(?<![\w+])[1-9]\d{2}([\s-]?)\d{3}\1\d{4}(?!\d)")
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
ADDRESS = re.compile(
    r"\b\d{1,4}[A-Za-z]?,?\s+(?:[A-Z][a-z']+\s+){1,3}"
    r"(?:Road|Street|Avenue|Lane|Close|Drive|Way|Crescent|Grove|Court|Place|Gardens|"
    r"Terrace|Walk|Rise|View|Mews|Row|Square|Park)\b"
)
#: A school's own name: capitalised words ending in what kind of school it is.
SCHOOL = re.compile(
    r"\b((?:(?:St\.|[A-Z][\w'’]*|of|the|and|&)\s+){1,6}?)"
    r"((?:(?:CE|C of E|CofE|RC|Catholic|Church of England|Methodist|Community|Junior|"
    r"Infant|Infants|Primary|Secondary|High|Grammar|Special|Free)\s+)*"
    r"(?:School|Academy|College|Nursery|Primary))\b"
)
_LETTERS = "a-zà-öø-ÿąćęłńóśźżăâîșțşğıüç"
_NAME_WORD = rf"(?:O'|Mc|Mac)?[A-Z][{_LETTERS}]+(?:-[A-Z][{_LETTERS}]+)?"
_FULL_NAME = rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}}"
TITLED_NAME = re.compile(rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+{_FULL_NAME}")
_RELATIONS = (
    r"son|daughter|child|boy|girl|grandson|granddaughter|husband|wife|partner|brother|"
    r"sister|senco|caseworker|case worker|case officer|social worker|key worker|"
    r"keyworker|teacher|class teacher|TA|teaching assistant|paediatrician|"
    r"therapist|nurse|worker|officer|coordinator|advisor|adviser|manager|head teacher|"
    r"headteacher|head"
)
#: "my son Jacob", "our SENCO, Sarah,": the cue in any case, the name capitalised.
RELATION_NAME = re.compile(
    rf"(?i:\b(?:my|our|her|his|their)\s+(?:{_RELATIONS})),?\s+({_FULL_NAME})\b"
)
#: "the SENCO, Sarah,": a weaker cue (as an introduction: no everyday word).
THE_RELATION_NAME = re.compile(rf"(?i:\bthe\s+(?:{_RELATIONS})),?\s+({_FULL_NAME})\b")
#: "my name is Hodan", "this is Maryam Hussain": a name that is not an everyday word.
INTRODUCED_NAME = re.compile(
    rf"(?i:\b(?:called|named|my name is|i am|i'm|this is|it's))\s+({_FULL_NAME})\b"
)
NAME_WORD = re.compile(rf"\b{_NAME_WORD}\b")

METHOD: Final[str] = (
    "quotes redacted: e-mail addresses, UK phone numbers, NHS numbers, postcodes, street "
    "addresses, named schools, and names (after a title, a relation or job, or an "
    "introduction, or from the Faker package's first-name lists less everyday words); "
    "measured in docs/analysis.md"
)

#: Capitalised words that are never a name here (kinds of school, months, days,
#: words of the SEND system that a cue such as "to" or "from" may precede).
_NOT_NAMES_TEXT = """
    The A An This That These Those It Its He She They We You I Our My His Her Their
    Not Very So Really Happy Sure Unable Still Just Also Only Even Now Then Here There
    Mr Mrs Ms Miss Dr Prof School Academy College Nursery Primary Secondary High Year
    Council County Hall Team Service Services Forum Centre Center Hospital Trust NHS
    Local Offer Virtual Early Help Parent Carer Carers Health Visitor Social Care Youth
    Educational Psychologist Designated Clinical Officer Ombudsman Tribunal Panel
    Autism Outreach Child Development Children Adult Adults Special Independent Send
    January February March April May June July August September October November
    December Monday Tuesday Wednesday Thursday Friday Saturday Sunday Christmas Easter
    Mum Dad Mummy Daddy Nan Nana Grandad Grandma Grandpa Auntie Uncle God Please Thank
    Thanks Sorry Hello Hi Dear Yes No Okay Ok Makaton Lego Minecraft English Welsh Polish
    Urdu Arabic Somali Romanian Ukrainian Bengali Punjabi British Muslim Christian
    """
NOT_NAMES: Final[frozenset[str]] = frozenset(_NOT_NAMES_TEXT.split())


def redact(text: str) -> str:
    """Replace personal details in a comment with placeholders.

    Examples
    --------
    >>> redact("My son Jacob waited. Email jo.bloggs@example.org or call 07700 900123, PR8 1AB.")
    'My son [name] waited. Email [email] or call [phone], [postcode].'
    >>> redact("Mrs Smith the SENCO was great")
    '[name] the SENCO was great'
    >>> redact("School do not follow the plan and my child is on a reduced timetable.")
    'School do not follow the plan and my child is on a reduced timetable.'
    >>> redact("His teacher and the SENCO are brilliant.")
    'His teacher and the SENCO are brilliant.'
    >>> redact("Amelia Jones left Oakfield Primary School; NHS number 943 476 5919.")
    '[name] left [school]; NHS number [NHS number].'
    """
    for needed, pattern, replacement in STEPS:
        if needed is None or needed.search(text):
            text = pattern.sub(replacement, text)
    return _listed_names(text)


def _school(match: re.Match[str]) -> str:
    """``[school]`` for a named school; generic words ("The Virtual School") stay."""
    words = match.group(1).split()
    while words and (words[0] in NOT_NAMES or words[0] in {"of", "the", "and", "&"}):
        words.pop(0)
    if not words:
        return match.group(0)
    kept = match.group(1)[: len(match.group(1)) - len(" ".join(words)) - 1].rstrip()
    return f"{kept} [school]" if kept else "[school]"


def _cued(match: re.Match[str], *, strict: bool) -> str:
    """A cue then a capitalised name: the name replaced, the cue kept.

    ``strict`` (an introduction such as "this is", or "the SENCO"): the first word
    must not be an everyday word ("This is Hope" stays, "This is Maryam" does not).
    """
    words = match.group(1).split()
    first = words[0]
    if first in NOT_NAMES or (strict and _everyday(first)):
        return match.group(0)
    name = " ".join(_name_span(words))
    start = match.start(1) - match.start(0)
    whole = match.group(0)
    return whole[:start] + "[name]" + whole[start + len(name) :]


def _cued_loose(match: re.Match[str]) -> str:
    return _cued(match, strict=False)


def _cued_strict(match: re.Match[str]) -> str:
    return _cued(match, strict=True)


#: Something every match of a pattern contains (case as the pattern has it): a text
#: without it has nothing that pattern would replace, so the pattern is not run.
#: The placeholders put in by earlier steps contain none of them.
_AT = re.compile("@")
_DIGIT = re.compile(r"\d")
_SCHOOL_WORD = re.compile("School|Academy|College|Nursery|Primary")
_TITLE = re.compile("Mr|Ms|Mx|Miss|Dr|Prof")

#: The replacements ``redact`` makes, in order: (what a match needs, or None for
#: every text; the pattern; what replaces a match).
STEPS: Final[tuple[tuple[re.Pattern[str] | None, re.Pattern[str], Any], ...]] = (
    (_AT, EMAIL, "[email]"),
    (_DIGIT, PHONE, "[phone]"),
    (_DIGIT, NHS_NUMBER, "[NHS number]"),
    (_DIGIT, POSTCODE, "[postcode]"),
    (_DIGIT, ADDRESS, "[address]"),
    (_SCHOOL_WORD, SCHOOL, _school),
    (_TITLE, TITLED_NAME, "[name]"),
    (None, RELATION_NAME, _cued_loose),
    (None, THE_RELATION_NAME, _cued_strict),
    (None, INTRODUCED_NAME, _cued_strict),
)


def _listed_names(text: str) -> str:
    """Listed first names (with the surname after them) and possessives ("Jayden's")."""
    words = list(NAME_WORD.finditer(text))
    out: list[str] = []
    at = 0
    i = 0
    while i < len(words):
        word = words[i]
        after = text[word.end() : word.end() + 2]
        possessive = after in {"'s", "’s"} and not (
            word.group() in NOT_NAMES or _everyday(word.group())
        )
        if word.group() not in first_names() and not possessive:
            i += 1
            continue
        end = word.end()
        taken = 1
        # The surname: up to two capitalised words right after (separated by spaces).
        while taken < 3 and i + taken < len(words):
            following = words[i + taken]
            gap = text[end : following.start()]
            if not gap or gap.strip() or following.group() in NOT_NAMES:
                break
            end = following.end()
            taken += 1
        out.append(text[at : word.start()])
        out.append("[name]")
        at = end
        i += taken
    out.append(text[at:])
    return "".join(out)


def _name_span(words: list[str]) -> list[str]:
    """The first word and the capitalised words after it that can be a surname."""
    taken = [words[0]]
    for word in words[1:]:
        if word in NOT_NAMES:
            break
        taken.append(word)
    return taken


def _everyday(word: str) -> bool:
    """True for a word that is also an everyday word in lower case ("Hope", "Will")."""
    return word.lower() in everyday_words()


#: Names that TextBlob's lexicon also lists as common nouns or verbs.
_NAMES_FIRST: Final[frozenset[str]] = frozenset({"john", "william", "peter"})


@cache
def everyday_words() -> frozenset[str]:
    """Lower-case words that TextBlob's lexicon tags as other than a proper noun and
    that its spelling corpus uses at least 10 times (both files ship with TextBlob,
    already a dependency for sentiment)."""
    import importlib.util

    # Located, not imported: importing TextBlob imports NLTK, which takes seconds.
    spec = importlib.util.find_spec("textblob")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover
        raise RuntimeError("the textblob package (its word lists) is not installed")
    folder = Path(next(iter(spec.submodule_search_locations))) / "en"
    frequent = set()
    for line in (folder / "en-spelling.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 2 and not line.startswith(";") and int(parts[1]) >= 10:
            frequent.add(parts[0])
    words = set()
    for line in (folder / "en-lexicon.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in frequent and not parts[1].startswith("NNP"):
            words.add(parts[0])
    return frozenset(words - _NAMES_FIRST)


#: Faker's person providers whose first names are read (Latin script only).
NAME_LOCALES: Final[tuple[str, ...]] = (
    "en_GB",
    "en_IE",
    "en_US",
    "en_PK",
    "en_IN",
    "en_NG",
    "en_KE",
    "pl_PL",
    "ro_RO",
    "tr_TR",
)


@cache
def first_names() -> frozenset[str]:
    """First names from Faker's lists (see :data:`NAME_LOCALES`) less everyday words.

    The lists are read from Faker's source files as data (``ast.literal_eval``):
    importing Faker itself takes seconds.
    """
    import ast
    import importlib.util

    spec = importlib.util.find_spec("faker")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover
        raise RuntimeError("the faker package (the first-name lists) is not installed")
    people = Path(next(iter(spec.submodule_search_locations))) / "providers" / "person"
    word = re.compile(rf"[A-Z][{_LETTERS}]+(?:-[A-Z][{_LETTERS}]+)?")
    found: set[str] = set()
    for locale in NAME_LOCALES:
        tree = ast.parse((people / locale / "__init__.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Assign) or len(node.targets) != 1:
                continue
            target = node.targets[0]
            if not (isinstance(target, ast.Name) and target.id.startswith("first_names")):
                continue
            value = node.value
            if (
                isinstance(value, ast.Call) and len(value.args) == 1
            ):  # OrderedDict(((name, weight), ...))
                value = value.args[0]
            try:
                names = ast.literal_eval(value)
            except ValueError:  # built from the other lists (male + female), read anyway
                continue
            for entry in names:
                name = entry[0] if isinstance(entry, tuple) else entry
                if isinstance(name, str) and word.fullmatch(name):
                    found.add(name)
    return frozenset(n for n in found if n not in NOT_NAMES and not _everyday(n))
