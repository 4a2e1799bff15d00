"""Local areas: creation with checked names and colours."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from feedback_app.models import LocalArea

SLUG = re.compile(r"^[a-z][a-z0-9-]{1,59}$")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class AreaError(ValueError):
    """The area cannot be created as asked."""


def create_area(db: Session, *, slug: str, name: str, colour: str = "#1d70b8") -> LocalArea:
    """Create and commit a local area."""
    if not SLUG.match(slug):
        raise AreaError("the slug must be 2-60 lower-case letters, digits or dashes")
    if not name.strip() or len(name) > 200:
        raise AreaError("the name must be 1-200 characters")
    if not COLOUR.match(colour):
        raise AreaError("the colour must look like #1d70b8")
    if db.scalar(select(LocalArea).where(LocalArea.slug == slug)) is not None:
        raise AreaError(f"an area with the slug {slug!r} already exists")
    area = LocalArea(slug=slug, name=name.strip(), colour=colour.lower(), localities=[])
    db.add(area)
    db.commit()
    return area
