"""JSON rendering of every result type: the machine format, unrounded, 0-100 percentages."""

from __future__ import annotations

import dataclasses
import enum
import json
import math
from typing import Any

from analysis.breakdowns import GroupComparison
from analysis.comparison import Comparison, KpiComparison
from analysis.estimates import Change, WaveEstimate

JsonValue = Any


def to_dict(result: object) -> dict[str, JsonValue]:
    """The JSON-ready mapping of a result (documented in docs/analysis.md).

    Examples
    --------
    >>> from analysis.method import Method
    >>> to_dict(Comparison("2023", "2024", Method(), ()))["kpis"]
    []
    """
    if isinstance(result, Comparison):
        return _comparison(result)
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        converted = _plain(result)
        if isinstance(converted, dict):
            return converted
    raise TypeError(f"cannot render {type(result).__name__} as JSON")


def to_json(result: object) -> str:
    """Serialise a result to JSON text (NaN and infinities become ``null``).

    Examples
    --------
    >>> from analysis.method import Method
    >>> json.loads(to_json(Comparison("2023", "2024", Method(), ())))["follow_up_wave"]
    '2024'
    """
    return json.dumps(to_dict(result), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def estimate_dict(estimate: WaveEstimate) -> dict[str, JsonValue]:
    """One wave's figures."""
    return _plain(estimate)  # type: ignore[no-any-return]


def change_dict(change: Change) -> dict[str, JsonValue]:
    """The change fields, flattened into the KPI or group object."""
    return _plain(change)  # type: ignore[no-any-return]


def _comparison(result: Comparison) -> dict[str, JsonValue]:
    return {
        "baseline_wave": result.baseline_wave,
        "follow_up_wave": result.follow_up_wave,
        "publication": result.publication,
        "method": _plain(result.method),
        "weighting": [_plain(w) for w in result.weighting],
        "kpis": [_kpi(k) for k in result.kpis],
    }


def _kpi(item: KpiComparison) -> dict[str, JsonValue]:
    kpi = item.kpi
    return {
        "id": kpi.id,
        "title": kpi.title,
        "short_title": kpi.short_title,
        "question": kpi.question,
        "positive": list(kpi.positive),
        "exclude": list(kpi.exclude),
        "higher_is_better": kpi.higher_is_better,
        "baseline": estimate_dict(item.baseline),
        "follow_up": estimate_dict(item.follow_up),
        **change_dict(item.change),
        "target": _plain(item.target),
        "summary": item.summary,
        "groups": {b.column: [_group(g) for g in b.groups] for b in item.breakdowns},
    }


def _group(group: GroupComparison) -> dict[str, JsonValue]:
    return {
        "group": group.group,
        "baseline": estimate_dict(group.baseline),
        "follow_up": estimate_dict(group.follow_up),
        **change_dict(group.change),
    }


def _plain(value: object) -> JsonValue:
    """Dataclasses, enums, tuples and floats to JSON-safe values, recursively."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "item"):  # numpy scalar
        return _plain(value.item())
    return str(value)
