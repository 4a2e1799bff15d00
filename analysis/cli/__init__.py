"""The command line, ``python -m analysis``: its entry point (``main``), the
parser and the compare command (``commands``), trend, describe and themes
(``trend_describe_themes``), and reading and writing files (``io``)."""

from __future__ import annotations

from analysis.cli.main import main

__all__ = ["main"]
