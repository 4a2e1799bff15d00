"""Every runtime dependency has a licence compatible with an MIT application."""

from __future__ import annotations

import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.support.licences import DOC, ROOT, licence_allowed, runtime_dependencies


def test_every_runtime_dependency_has_an_allowed_licence() -> None:
    dependencies = runtime_dependencies()
    assert len(dependencies) > 30  # the closure was walked
    refused = [f"{d.name} {d.version}: {d.licence}" for d in dependencies if not d.allowed]
    assert not refused, f"review these licences (tests/support/licences.py): {refused}"


def test_the_allow_list_refuses_copyleft_and_unknown_licences() -> None:
    assert licence_allowed("MIT") and licence_allowed("BSD-3-Clause AND MIT")
    assert licence_allowed("GPL-3.0-only OR Apache-2.0")
    assert not licence_allowed("GPL-3.0-only")
    assert not licence_allowed("AGPL-3.0-or-later")
    assert not licence_allowed("MIT AND GPL-2.0-only")
    assert not licence_allowed("UNKNOWN")


def test_the_licences_page_lists_every_direct_dependency() -> None:
    page = DOC.read_text(encoding="utf-8")
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    for text in declared:
        name = canonicalize_name(Requirement(text).name)
        assert f"| {name} |" in page, f"{name}: run `make licences`"
