"""One rounding rule for every figure people read: decimal half away from zero.

Python's ``round()`` and format specs (``f"{x:.1f}"``) round half to even on the
binary float, so 6.25 shows as 6.2 and 14.5 as 14 while 12.5 shows as 13. People
(and the GSS presentation guidance) round half away from zero on the decimal
figure they see. This module applies that rule once: the number is read as the
shortest decimal that prints it (``Decimal(str(x))``) and rounded with
``ROUND_HALF_UP`` (which is half away from zero for negative numbers too). Float
noise is removed first: the value is taken to :data:`NOISE_PLACES` decimal places,
so 29 / 200 * 100 (stored as 14.499999999999998) is 14.5 and shows as 15.

Every renderer uses it: the analysis HTML, CSV, XLSX and JSON (publication), the
sentences, the chart labels, and the web app's ``number`` and ``percent`` Jinja
filters (registered once in ``feedback_app.web.layout``).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

#: Decimal places for percentages and points in officer views.
OFFICER_PLACES: Final[int] = 1
#: Arithmetic noise below this many decimal places is not a figure anyone computed.
NOISE_PLACES: Final[int] = 9
RULE: Final[str] = (
    "figures are rounded once, half away from zero on the decimal value (12.5 -> 13, "
    "6.25 -> 6.3); publication percentages are whole numbers, with <1 for a non-zero value "
    "under 0.5"
)


def round_half_away(value: float, places: int = 0) -> float:
    """``value`` rounded to ``places`` decimal places, half away from zero.

    Examples
    --------
    >>> [round_half_away(x) for x in (12.5, 14.5, 28.5, -2.5)]
    [13.0, 15.0, 29.0, -3.0]
    >>> round_half_away(6.25, 1), round_half_away(0.125, 2), round_half_away(29 / 200 * 100)
    (6.3, 0.13, 15.0)
    """
    if not math.isfinite(value):
        return value
    clean = Decimal(str(value)).quantize(Decimal(1).scaleb(-NOISE_PLACES), rounding=ROUND_HALF_UP)
    return float(clean.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def format_number(value: float | None, places: int = OFFICER_PLACES, *, sign: bool = False) -> str:
    """``value`` as text with ``places`` decimals (``"-"`` for ``None``); ``sign`` adds ``+``.

    Examples
    --------
    >>> format_number(6.25), format_number(2.0, sign=True), format_number(None)
    ('6.3', '+2.0', '-')
    >>> format_number(-0.04)
    '0.0'
    """
    if value is None or not math.isfinite(value):
        return "-"
    rounded = round_half_away(float(value), places) + 0.0  # -0.0 -> 0.0
    if rounded == 0:
        rounded = 0.0
    text = f"{rounded:.{places}f}"
    return f"+{text}" if sign and rounded > 0 else text


def format_percent(value: float | None, places: int = OFFICER_PLACES) -> str:
    """A 0-100 percentage with ``places`` decimals and a ``%`` sign (``"-"`` for ``None``).

    Examples
    --------
    >>> format_percent(12.25), format_percent(14.5, 0)
    ('12.3%', '15%')
    """
    if value is None or not math.isfinite(value):
        return "-"
    return f"{format_number(value, places)}%"


def whole_percent(value: float | int) -> int | str:
    """A publication percentage: a whole number, or ``"<1"`` for a non-zero value under 0.5.

    Examples
    --------
    >>> whole_percent(12.5), whole_percent(14.5), whole_percent(0.3), whole_percent(-0.2)
    (13, 15, '<1', '>-1')
    """
    if value != 0 and abs(value) < 0.5:
        return "<1" if value > 0 else ">-1"
    return int(round_half_away(float(value)))


def publication_text(value: float | None) -> str:
    """A publication percentage as the table shows it, with ``%`` (``"-"`` for ``None``).

    Examples
    --------
    >>> publication_text(5.2), publication_text(0.2), publication_text(None)
    ('5%', '<1%', '-')
    """
    if value is None or not math.isfinite(value):
        return "-"
    return f"{whole_percent(value)}%"
