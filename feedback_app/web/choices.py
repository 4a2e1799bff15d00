"""Options of select, radio and checkbox fields as WTForms' choice objects.

WTForms 3.3 deprecates ``(value, label)`` tuples as choices (support ends in 3.4)
in favour of :class:`wtforms.SelectChoice`. Every form builds its options through
:func:`select_choices`, so the project has one place that knows the shape.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wtforms import SelectChoice


def select_choices(pairs: Iterable[tuple[str, Any]]) -> list[SelectChoice]:
    """``(value, label)`` pairs as choice objects; labels may be lazy strings.

    Examples
    --------
    >>> [(c.value, c.label) for c in select_choices([("yes", "Yes"), ("no", "No")])]
    [('yes', 'Yes'), ('no', 'No')]
    """
    return [SelectChoice(value=value, label=label) for value, label in pairs]
