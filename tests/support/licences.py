"""The runtime dependencies' licences, from installed package metadata.

``python -m tests.support.licences`` writes docs/licences.md (``make licences``);
tests/project/test_dependency_licences.py fails when a runtime dependency's licence
is not on the allow-list below, so a new copyleft or unknown licence is noticed
before it ships.

The licence of a distribution is its ``License-Expression`` (PEP 639) when it has
one, else a short ``License`` field, else its "License ::" classifiers (several
classifiers offer a choice, as pyphen's do).
"""

from __future__ import annotations

import importlib.metadata as md
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "licences.md"

#: Licences compatible with distributing this MIT-licensed application (SPDX ids
#: and the names packages use in their metadata), lower case.
ALLOWED = {
    "mit", "mit-0", "mit-cmu", "mit license", "mit licence",
    "bsd", "bsd license", "bsd-2-clause", "bsd-3-clause", "0bsd",
    "apache-2.0", "apache software license", "apache license, version 2.0",
    "psf-2.0", "psfl", "python software foundation license", "cnri-python",
    "isc", "isc license (iscl)", "mpl-2.0", "mozilla public license 2.0 (mpl 2.0)",
    "zlib", "cc0-1.0", "the unlicense (unlicense)", "unlicense",
}  # fmt: skip
#: Reviewed exceptions: the package and why its licence is acceptable here.
KNOWN = {
    "psycopg": "LGPL-3.0: used as an unmodified library through its public API",
    "psycopg-binary": "LGPL-3.0: psycopg's compiled part, unmodified",
    "pyphen": "GPL-2.0+ or LGPL-2.1+ or MPL-1.1: used under LGPL/MPL, unmodified "
    "(WeasyPrint's hyphenation)",
}
#: A long ``License`` field is the licence text itself: use the classifiers instead.
SHORT_LICENCE = 60


@dataclass(frozen=True)
class Dependency:
    """One installed runtime distribution and its licence."""

    name: str
    version: str
    licence: str

    @property
    def allowed(self) -> bool:
        """On the allow-list, or a reviewed exception."""
        return self.name in KNOWN or licence_allowed(self.licence)


def licence_allowed(licence: str) -> bool:
    """Every ``AND`` part allowed; for ``OR``, one choice is enough."""
    choices = re.split(r"\s+OR\s+", licence.strip("() "))
    return any(
        all(part.strip("() ").lower() in ALLOWED for part in re.split(r"\s+AND\s+", choice))
        for choice in choices
    )


def licence_of(dist: md.Distribution) -> str:
    """The licence as the package declares it (see the module docstring)."""
    meta = dist.metadata
    expression = meta.get("License-Expression")
    if expression:
        return str(expression)
    text = (meta.get("License") or "").strip()
    if text and len(text) <= SHORT_LICENCE and "\n" not in text:
        return text
    classifiers = [
        c.split("::")[-1].strip()
        for c in meta.get_all("Classifier") or []
        if c.startswith("License ::") and c.split("::")[-1].strip() != "OSI Approved"
    ]
    return " OR ".join(classifiers) if classifiers else "UNKNOWN"


def runtime_dependencies() -> list[Dependency]:
    """The installed closure of pyproject.toml's ``dependencies`` (not the dev extra)."""
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    found: dict[str, Dependency] = {}
    todo = [Requirement(d) for d in declared]
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        if name in found:
            continue
        try:
            dist = md.distribution(requirement.name)
        except md.PackageNotFoundError:
            if requirement.marker is None or requirement.marker.evaluate():
                found[name] = Dependency(name, "not installed", "UNKNOWN")
            continue
        found[name] = Dependency(name, dist.version, licence_of(dist))
        extras = ["", *requirement.extras]
        for text in dist.requires or []:
            child = Requirement(text)
            if child.marker is None or any(child.marker.evaluate({"extra": e}) for e in extras):
                todo.append(child)
    return sorted(found.values(), key=lambda d: d.name)


def document(dependencies: list[Dependency]) -> str:
    """docs/licences.md: every runtime dependency, its version here and its licence."""
    lines = [
        "# Licences of the runtime dependencies",
        "",
        "This application is MIT-licensed (`LICENSE`). Below: every package installed",
        "to run it (the `dependencies` of `pyproject.toml` and what they pull in, not",
        "the development tools), with the licence its metadata declares. Written by",
        "`make licences` from the installed packages; the versions are those of the",
        "environment it ran in (production installs `requirements.lock`).",
        "",
        "`tests/project/test_dependency_licences.py` fails when a runtime dependency's",
        "licence is not on the allow-list in `tests/support/licences.py` (MIT, BSD,",
        "Apache-2.0, PSF, ISC, MPL-2.0, Zlib, CC0 and similar), unless it is one of the",
        "reviewed exceptions listed at the end. Review a new licence before adding it.",
        "",
        "| Package | Version | Licence |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {d.name} | {d.version} | {d.licence} |" for d in dependencies]
    lines += ["", "Reviewed exceptions:", ""]
    lines += [f"- {name}: {why}." for name, why in sorted(KNOWN.items())]
    return "\n".join(lines) + "\n"


def main() -> int:
    """Write docs/licences.md; exit 1 when a licence is not allowed."""
    dependencies = runtime_dependencies()
    DOC.write_text(document(dependencies), encoding="utf-8")
    refused = [d for d in dependencies if not d.allowed]
    for d in refused:
        print(f"not allowed: {d.name} {d.version}: {d.licence}", file=sys.stderr)
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
