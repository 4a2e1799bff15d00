"""A wave's public link as QR codes (SVG and PNG) and the poster that shows one."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import segno
from sqlalchemy import select
from sqlalchemy.orm import Session

from feedback_app.definitions import questionnaire_for
from feedback_app.models import LocalArea, Wave

#: GOV.UK text colour: dark enough for any phone camera, softer than pure black.
DARK = "#0b0c0c"
#: A white background, so a downloaded code still scans on a dark slide or page.
LIGHT = "#ffffff"
#: The quiet zone the QR standard asks for, in modules.
BORDER = 4


def qr_code(link: str) -> segno.QRCode:
    """The QR code of ``link``; error correction M survives a creased poster."""
    return segno.make(link, error="m", micro=False)


def qr_svg(link: str) -> bytes:
    """An SVG of the code, sized by its viewBox so it scales to any print size."""
    buffer = io.BytesIO()
    qr_code(link).save(
        buffer, kind="svg", scale=10, border=BORDER, dark=DARK, light=LIGHT, omitsize=True
    )
    return buffer.getvalue()


def qr_png(link: str) -> bytes:
    """A PNG of the code, large enough to print at A5 without blurring."""
    buffer = io.BytesIO()
    qr_code(link).save(buffer, kind="png", scale=12, border=BORDER, dark=DARK, light=LIGHT)
    return buffer.getvalue()


def area_waves(db: Session, area: LocalArea) -> list[Wave]:
    """Every wave of ``area``, newest first."""
    return list(
        db.scalars(
            select(Wave).where(Wave.area_id == area.id).order_by(Wave.opens_at.desc(), Wave.id)
        )
    )


@dataclass(frozen=True)
class Poster:
    """What the printable poster says (message ids, translated in the template)."""

    title: str
    audience: str
    minutes: int
    link: str
    #: The last day people can answer, on the area's calendar (None: no end).
    last_day: dt.date | None


def poster_for(wave: Wave, link: str) -> Poster:
    """The poster of ``wave`` whose code opens ``link``."""
    questionnaire = questionnaire_for(wave.version)
    return Poster(
        title=questionnaire.title,
        audience=questionnaire.description,
        minutes=questionnaire.estimated_minutes,
        link=link,
        last_day=wave.last_day,
    )
