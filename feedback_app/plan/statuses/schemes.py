"""Status schemes as data: the presets (BRAG, RAGP) and checking an area's own.

A scheme is an ordered list of statuses. Each has a colour (one of
:class:`~feedback_app.results.board.status_rules.Colour`, unique within the
scheme, so the colour names the status), a label, a meaning and a
:class:`Kind`: what it counts as. Exception commentary is needed for a status of
kind :attr:`Kind.EXCEPTION` (not complete, not on track, not "not due yet").
The presets live in ``feedback_app/plan/statuses/presets.yaml``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from feedback_app.results.board.status_rules import TAG_CLASSES, Colour

PRESETS_FILE = Path(__file__).with_name("presets.yaml")
#: The preset an area uses until it chooses (the issue's first BRAG words).
DEFAULT_PRESET = "brag_peterborough"
MAX_LABEL = 60
MAX_MEANING = 500
#: Colours a status may have (one status per colour).
MAX_STATUSES = len(Colour)


class Kind(enum.StrEnum):
    """What a status counts as."""

    COMPLETE = "complete"
    ON_TRACK = "on_track"
    NOT_DUE = "not_due"
    EXCEPTION = "exception"


KIND_NAMES = {
    Kind.COMPLETE: _l("Complete"),
    Kind.ON_TRACK: _l("On track"),
    Kind.NOT_DUE: _l("Not due yet"),
    Kind.EXCEPTION: _l("Exception: needs commentary"),
}


@dataclass(frozen=True, slots=True)
class StatusDef:
    """One status of a scheme."""

    colour: Colour
    label: str
    meaning: str
    kind: Kind

    @property
    def tag_class(self) -> str:
        """GOV.UK tag class of the colour (the label is always shown in the tag)."""
        return TAG_CLASSES[self.colour]

    @property
    def needs_commentary(self) -> bool:
        """True when an action with this status needs exception commentary."""
        return self.kind is Kind.EXCEPTION


@dataclass(frozen=True, slots=True)
class Scheme:
    """An area's statuses in order, and the preset they came from."""

    statuses: tuple[StatusDef, ...]
    preset: str | None = None
    edited: bool = False
    #: False for the default an area has until it chooses (the board then keeps
    #: showing colour names, as before schemes existed).
    chosen: bool = False

    def get(self, colour: str | None) -> StatusDef | None:
        """The status of this colour, if the scheme has one."""
        return next((s for s in self.statuses if s.colour.value == colour), None)


@dataclass(frozen=True, slots=True)
class Preset:
    """A bundled scheme."""

    id: str
    name: str
    scheme: Scheme


class SchemeError(ValueError):
    """A scheme that cannot be used; the message says which status and why."""


def parse_status(data: Mapping[str, Any], *, number: int) -> StatusDef:
    """One status from stored, bundled or submitted data; :class:`SchemeError` if not valid."""
    try:
        colour = Colour(str(data.get("colour", "")))
    except ValueError:
        raise SchemeError(gettext("Status %(n)s: choose a colour", n=number)) from None
    try:
        kind = Kind(str(data.get("kind", "")))
    except ValueError:
        raise SchemeError(
            gettext("Status %(n)s: choose what the status counts as", n=number)
        ) from None
    label = " ".join(str(data.get("label", "")).split())
    if not label:
        raise SchemeError(gettext("Status %(n)s: enter the label", n=number))
    if len(label) > MAX_LABEL:
        raise SchemeError(
            gettext(
                "Status %(n)s: label must be %(max)s characters or fewer", n=number, max=MAX_LABEL
            )
        )
    meaning = " ".join(str(data.get("meaning", "")).split())
    if len(meaning) > MAX_MEANING:
        raise SchemeError(
            gettext(
                "Status %(n)s: meaning must be %(max)s characters or fewer",
                n=number,
                max=MAX_MEANING,
            )
        )
    return StatusDef(colour=colour, label=label, meaning=meaning, kind=kind)


def check_scheme(statuses: Sequence[StatusDef]) -> tuple[StatusDef, ...]:
    """The statuses if they make a usable scheme, else :class:`SchemeError`.

    At least two statuses; each colour and each label used once; one status counts
    as complete and one as on track (the tracker and the exception rule need them).
    """
    if len(statuses) < 2:
        raise SchemeError(gettext("Keep at least two statuses"))
    colours = [s.colour for s in statuses]
    for colour in colours:
        if colours.count(colour) > 1:
            raise SchemeError(
                gettext(
                    "Each colour can be used by one status only: %(colour)s is used twice",
                    colour=colour.value,
                )
            )
    labels = [s.label.casefold() for s in statuses]
    if len(set(labels)) != len(labels):
        raise SchemeError(gettext("Each status needs its own label"))
    kinds = {s.kind for s in statuses}
    if Kind.COMPLETE not in kinds:
        raise SchemeError(gettext("Choose which status counts as complete"))
    if Kind.ON_TRACK not in kinds:
        raise SchemeError(gettext("Choose which status counts as on track"))
    return tuple(statuses)


@cache
def presets() -> tuple[Preset, ...]:
    """The bundled presets, in file order."""
    data = yaml.safe_load(PRESETS_FILE.read_text(encoding="utf-8"))
    found = []
    for item in data["schemes"]:
        statuses = check_scheme(
            [parse_status(s, number=i) for i, s in enumerate(item["statuses"], start=1)]
        )
        found.append(Preset(item["id"], item["name"], Scheme(statuses, preset=item["id"])))
    return tuple(found)


def preset(preset_id: str) -> Preset | None:
    """The preset with this id."""
    return next((p for p in presets() if p.id == preset_id), None)


def default_scheme() -> Scheme:
    """The scheme of an area that has not chosen one."""
    found = preset(DEFAULT_PRESET)
    assert found is not None
    return found.scheme


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours (1 to 21).

    >>> round(contrast_ratio("#000000", "#ffffff"), 1)
    21.0
    """

    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)
