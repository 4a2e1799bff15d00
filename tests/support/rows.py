"""Reading what a test wrote: rows that outlive the application context."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import Flask
from sqlalchemy import select

from feedback_app import db

Row = TypeVar("Row")


def detached_rows(app: Flask, model: type[Row]) -> list[Row]:
    """Every row of ``model`` in the order they were made (by id), detached from the
    session so their loaded values can be read after the application context ends."""
    table: Any = model
    with app.app_context():
        session = db.session()
        rows = list(session.scalars(select(model).order_by(table.id)))
        session.expunge_all()
        return rows
