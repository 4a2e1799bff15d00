"""Translation catalogs for tests: a downloaded .po filled in as a translator would."""

from __future__ import annotations

import io

from babel.messages.pofile import read_po, write_po


def filled_po(po: bytes, prefix: str, *, skip: int = 0, locale: str = "cy") -> bytes:
    """``po`` with each message translated as ``prefix + message``, the first ``skip`` blank."""
    catalog = read_po(io.BytesIO(po), locale=locale)
    for index, message in enumerate(m for m in catalog if m.id):
        message.string = "" if index < skip else f"{prefix}{message.id}"
    out = io.BytesIO()
    write_po(out, catalog)
    return out.getvalue()
