"""Reading definition text: YAML or JSON, with the line of every value kept.

Problems must name the line a coordinator should look at, so the text is composed
into PyYAML nodes (which carry their marks) before it becomes plain data. JSON is
read by the same YAML parser where it can be, so its lines are known too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from surveys.problems import Problem, QuestionnaireError

#: Definitions are a few kilobytes (the largest bundled one is under 10 KB); anything
#: far bigger is a mistake or an attack. Reading one of this size costs at most about a
#: second of CPU in the worst shape (docs/security.md); 1 MB cost 10.7 s.
MAX_BYTES = 100_000

Loc = tuple[str | int, ...]


class _DefinitionLoader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1 surprises and without aliases.

    ``yes``/``no``/``on``/``off`` stay strings, because they are natural option
    codes; only ``true``/``false`` are booleans. Aliases are refused so a small
    file cannot expand into a huge one ("billion laughs").
    """

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in definitions", event.start_mark
            )
        return super().compose_node(parent, index)


_BOOL_TAG = "tag:yaml.org,2002:bool"
_DefinitionLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_DefinitionLoader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load_definition_yaml(text: str) -> Any:
    """Parse YAML the way definitions are read: ``yes``/``no``/``on``/``off`` stay strings.

    For readers outside this package (``analysis.kpis``) that want plain data,
    without line numbers.

    Examples
    --------
    >>> load_definition_yaml("positive: [yes, no]\\nflag: true")
    {'positive': ['yes', 'no'], 'flag': True}
    """
    loader = _DefinitionLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


@dataclass(frozen=True)
class SourceDocument:
    """Plain data read from a definition, and the line where each value starts."""

    source: str
    data: Any
    lines: Mapping[Loc, int] = field(default_factory=dict)

    def line_of(self, loc: Sequence[str | int]) -> int | None:
        """The line of ``loc``, or of its nearest enclosing value that exists."""
        path = tuple(loc)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)

    def problem(self, loc: Sequence[str | int], message: str) -> Problem:
        """A Problem at ``loc`` with a readable ``where``."""
        return Problem(
            file=self.source,
            line=self.line_of(loc),
            where=describe(loc, self.data),
            message=message,
        )


def read_definition_file(path: str | Path) -> str:
    """The text of a definition file; unreadable, huge or non-UTF-8 files are Problems."""
    source = str(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise _error(source, "is a directory, not a file") from None
    except FileNotFoundError:
        raise _error(source, "no such file") from None
    except OSError as exc:
        raise _error(source, f"cannot be read ({exc.strerror or exc})") from None
    if len(raw) > MAX_BYTES:
        raise _error(source, f"is larger than {MAX_BYTES // 1000} KB; is it the right file?")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _error(
            source, f"is not UTF-8 text (byte {exc.start}); save it as UTF-8 and try again"
        ) from None


def parse_document(text: str, *, source: str) -> SourceDocument:
    """Parse YAML (or JSON) text into a SourceDocument, or raise QuestionnaireError."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise _error(source, f"is larger than {MAX_BYTES // 1000} KB; is it the right file?")
    try:
        loader = _DefinitionLoader(text)
    except yaml.YAMLError as exc:
        # The reader refuses control characters before any parsing starts.
        raise _error(source, f"is not valid YAML: {exc}") from None
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        json_data = _try_json(text)
        if json_data is not None:
            return SourceDocument(source=source, data=json_data)
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        context = exc.context
        if context and exc.context_mark is not None and exc.context_mark.line + 1 != line:
            context = f"{context} (from line {exc.context_mark.line + 1})"
        what = ": ".join(str(s) for s in (context, exc.problem) if s)
        kind = "JSON" if text.lstrip().startswith(("{", "[")) else "YAML"
        raise QuestionnaireError(
            [Problem(source, line, "file", f"is not valid {kind}: {what}")]
        ) from None
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        detail = "it is nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise _error(source, f"is not valid YAML: {detail}") from None
    except Exception as exc:  # PyYAML's constructors raise anything
        # An explicit tag on a value it does not fit (``!!bool maybe`` is a KeyError,
        # ``!!timestamp notadate`` an AttributeError inside PyYAML): the same plain
        # message as any other unreadable file, never a 500.
        raise _error(
            source, f"is not valid YAML: a value could not be read ({type(exc).__name__})"
        ) from None
    finally:
        loader.dispose()
    if node is None:
        raise _error(source, "is empty")
    lines: dict[Loc, int] = {}
    duplicates: list[Problem] = []
    _record_lines(node, (), lines, duplicates, source=source, data=data)
    if duplicates:
        raise QuestionnaireError(duplicates)
    return SourceDocument(source=source, data=data, lines=lines)


def _try_json(text: str) -> Any:
    # PyYAML reads YAML 1.1, which rejects a few valid JSON documents (tabs).
    if not text.lstrip().startswith(("{", "[")):
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _record_lines(
    node: yaml.Node,
    loc: Loc,
    lines: dict[Loc, int],
    duplicates: list[Problem],
    *,
    source: str,
    data: Any,
) -> None:
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            # The key's line is where a person looks, even for a nested block.
            line = key_node.start_mark.line + 1
            if key in seen:
                duplicates.append(
                    Problem(source, line, describe((*loc, key), data), "is given more than once")
                )
            seen.add(key)
            lines[(*loc, key)] = line
            _record_lines(value_node, (*loc, key), lines, duplicates, source=source, data=data)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, (*loc, index), lines, duplicates, source=source, data=data)


_NAMED_ITEMS = {"pages": "page", "questions": "question", "kpis": "KPI"}


def describe(loc: Sequence[str | int], data: Any) -> str:
    """A readable path, e.g. ``page "about_child" > question "plan_type" > options[1]``."""
    parts: list[str] = []
    node = data
    steps = list(loc)
    i = 0
    while i < len(steps):
        step = steps[i]
        after = steps[i + 1] if i + 1 < len(steps) else None
        if isinstance(after, int) and not isinstance(step, int):
            item = _child(_child(node, step), after)
            ident = _child(item, "id")
            if step in _NAMED_ITEMS and isinstance(ident, str) and ident:
                parts.append(f'{_NAMED_ITEMS[str(step)]} "{ident}"')
            else:
                parts.append(f"{step}[{after}]")
            node = item
            i += 2
            continue
        parts.append(f"[{step}]" if isinstance(step, int) else str(step))
        node = _child(node, step)
        i += 1
    return " > ".join(parts) or "top level"


def _child(node: Any, step: str | int) -> Any:
    if isinstance(step, int):
        if isinstance(node, list | tuple) and -len(node) <= step < len(node):
            return node[step]
        return None
    if isinstance(node, Mapping):
        return node.get(step)
    if isinstance(node, BaseModel):
        return getattr(node, step, None)
    return None


def schema_problems(error: ValidationError, document: SourceDocument) -> list[Problem]:
    """Every pydantic error as a Problem, in file order, without knock-on noise."""
    errors = error.errors(include_url=False)
    locs = [tuple(e["loc"]) for e in errors]
    problems = []
    for err, loc in zip(errors, locs, strict=True):
        # A list whose items failed is also reported "too short"; that is noise.
        if err["type"] == "too_short" and any(
            other[: len(loc)] == loc and len(other) > len(loc) for other in locs
        ):
            continue
        problems.append(document.problem(loc, _friendly(err)))
    return sorted(problems, key=lambda p: p.line or 0)


def _friendly(err: Any) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    given = err.get("input")
    if kind == "missing":
        return "is required but missing"
    if kind == "extra_forbidden":
        return "is not a field this format knows (check the spelling and indentation)"
    if kind == "string_pattern_mismatch":
        return f"{given!r} must use only lower-case letters, digits and _ (no spaces or capitals)"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}, not {given!r}"
    if kind == "enum":
        return f"must be one of {ctx.get('expected')}, not {given!r}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "dict_type":
        return "must be a mapping of names to values"
    if kind == "value_error":
        return str(ctx.get("error") or err["msg"])
    return str(err["msg"])


def _error(source: str, message: str) -> QuestionnaireError:
    return QuestionnaireError([Problem(source, None, "file", message)])
