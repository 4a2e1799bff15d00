"""Readable public links for waves: /s/parent-survey-2027 instead of /s/fNMzI7Jxq4eK.

A coordinator chooses the words, or takes three generated from ``WORDS``: short,
everyday words that are spelt one way, sound unlike each other and have no
letters that are easy to misread. Links are matched in any case and stored in
lower case. A wave's own random slug always keeps working, and so does every
readable link it has been given: a new name is added, never swapped in.
"""

from __future__ import annotations

import re
import secrets

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from feedback_app.models import Wave, WaveLink

#: Everyday words with one spelling and no sound-alike (no "sea"/"see", "four"/"for").
WORDS = (
    "apple", "badger", "banana", "basket", "beach", "bicycle", "blanket", "bridge",
    "bucket", "butter", "button", "camel", "candle", "carrot", "castle", "cherry",
    "circus", "cloud", "clover", "coconut", "comet", "cookie", "cotton", "dolphin",
    "dragon", "drum", "eagle", "feather", "forest", "fox", "garden", "giraffe",
    "guitar", "hamster", "harbour", "hedgehog", "honey", "island", "jacket", "jelly",
    "kettle", "kitten", "ladder", "lemon", "lizard", "magnet", "mango", "meadow",
    "melon", "mitten", "monkey", "muffin", "orange", "otter", "panda", "parrot",
    "peanut", "pebble", "pencil", "pepper", "piano", "pillow", "planet", "pocket",
    "pony", "puffin", "pumpkin", "puzzle", "rabbit", "rainbow", "river", "robin",
    "rocket", "saddle", "salmon", "sandal", "spider", "sponge", "squirrel", "star",
    "sunflower", "teapot", "tiger", "tomato", "tractor", "tulip", "turnip", "turtle",
    "violin", "walnut", "wagon", "window", "winter", "yoghurt", "zebra",
)  # fmt: skip

#: Lower-case letters and digits in words joined by single hyphens.
_LINK = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MIN_LENGTH = 3
MAX_LENGTH = 60
#: Paths under /s/ that are not links.
_RESERVED = frozenset({"start", "check", "done", "resume", "save", "q"})


def normalise(text: str) -> str:
    """What the coordinator typed as a link: lower case, spaces and underscores as
    hyphens, no leading "/s/" or stray hyphens."""
    name = text.strip().lower()
    name = re.sub(r"^.*/s/", "", name).strip("/")
    name = re.sub(r"[\s_]+", "-", name)
    name = re.sub(r"-{2,}", "-", name)
    return name.strip("-/")


def _taken(db: Session, name: str) -> bool:
    return (
        db.scalar(select(WaveLink.id).where(WaveLink.name == name)) is not None
        or db.scalar(select(Wave.id).where(func.lower(Wave.slug) == name)) is not None
    )


def problem_with(db: Session, name: str) -> str | None:
    """Why ``name`` (normalised) cannot be a link, or None when it can."""
    problem: str | None = None
    if not MIN_LENGTH <= len(name) <= MAX_LENGTH:
        problem = gettext(
            "The link must be between %(low)d and %(high)d characters",
            low=MIN_LENGTH,
            high=MAX_LENGTH,
        )
    elif not _LINK.match(name):
        problem = gettext("The link can only use letters a to z, numbers and hyphens")
    elif name in _RESERVED:
        problem = gettext("Choose a different link: that word is used by the survey pages")
    elif _taken(db, name):
        problem = gettext("That link is already used by a survey. Choose a different one")
    return problem


def generated_name(db: Session) -> str:
    """Three unused everyday words, e.g. ``otter-piano-meadow``."""
    while True:
        name = "-".join(secrets.choice(WORDS) for _ in range(3))
        if not _taken(db, name):
            return name


def add_link(db: Session, *, wave: Wave, name: str) -> WaveLink:
    """Give ``wave`` the readable link ``name`` (checked); uncommitted, and the
    caller's audit event records it."""
    problem = problem_with(db, name)
    if problem is not None:
        raise ValueError(problem)
    link = WaveLink(wave_id=wave.id, name=name)
    wave.links.append(link)
    db.flush()
    return link
