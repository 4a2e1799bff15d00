"""Codeframes: themes for free text, each with keywords and phrases (editable YAML)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from analysis.errors import AnalysisInputError

DEFAULT_CODEFRAME = Path(__file__).with_name("codeframes") / "send_default.yaml"


@dataclass(frozen=True, slots=True)
class Theme:
    """A theme and the words that signal it."""

    theme: str
    label: str
    keywords: tuple[str, ...]
    phrases: tuple[str, ...]

    def pattern(self) -> re.Pattern[str]:
        """One case-insensitive regular expression matching any keyword or phrase.

        Examples
        --------
        >>> t = Theme("w", "Waiting", ("wait*",), ("too long",))
        >>> bool(t.pattern().search("We WAITED far too  long")), bool(t.pattern().search("await"))
        (True, False)
        """
        parts = [_keyword(k) for k in self.keywords] + [_phrase(p) for p in self.phrases]
        return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)


def load_codeframe(source: str | Path | Mapping[str, Any] | None = None) -> tuple[Theme, ...]:
    """Read a codeframe (YAML path or mapping); ``None`` gives the default SEND codeframe.

    Examples
    --------
    >>> [t.theme for t in load_codeframe()][:3]
    ['communication', 'waiting_times', 'ehc_plan_process']
    """
    where = str(source) if source is not None and not isinstance(source, Mapping) else "<codeframe>"
    if source is None:
        source = DEFAULT_CODEFRAME
        where = str(source)
    if isinstance(source, Mapping):
        data: object = source
    else:
        try:
            data = yaml.safe_load(Path(source).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise AnalysisInputError(f"{where}: file not found") from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f" line {mark.line + 1}:" if mark is not None else ""
            raise AnalysisInputError(f"{where}:{line} malformed YAML") from None
    if not isinstance(data, Mapping) or not isinstance(data.get("themes"), list):
        raise AnalysisInputError(f"{where}: expected a mapping with a 'themes' list")
    themes = tuple(
        _theme(entry, where=f"{where}: themes[{i}]") for i, entry in enumerate(data["themes"])
    )
    if not themes:
        raise AnalysisInputError(f"{where}: 'themes' is empty")
    return themes


def _theme(entry: object, *, where: str) -> Theme:
    if not isinstance(entry, Mapping):
        raise AnalysisInputError(f"{where}: expected a mapping")
    name = entry.get("theme")
    if not isinstance(name, str) or not name.strip():
        raise AnalysisInputError(f"{where}: missing key 'theme'")
    words: dict[str, tuple[str, ...]] = {}
    for key in ("keywords", "phrases"):
        value = entry.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise AnalysisInputError(f"{where}.{key}: must be a list of words")
        words[key] = tuple(str(v).strip() for v in value)
    if not words["keywords"] and not words["phrases"]:
        raise AnalysisInputError(f"{where}: needs at least one keyword or phrase")
    label = entry.get("label") or name.replace("_", " ").capitalize()
    return Theme(name.strip(), str(label), words["keywords"], words["phrases"])


def _keyword(word: str) -> str:
    if word.endswith("*"):
        return re.escape(word[:-1]) + r"\w*"
    return re.escape(word)


def _phrase(phrase: str) -> str:
    return r"\s+".join(re.escape(part) for part in phrase.split())
