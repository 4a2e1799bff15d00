"""Which rows belong to a wave, an area or a response, read from the models' foreign keys.

Deletion and retention must remove every row that hangs off what they delete.
Rather than a hand-kept list of tables (which a new table silently escapes), the
list comes from ``Base.metadata``: a table belongs under a parent when one of its
foreign keys points at that parent, or at a table that does, and so on. A foreign
key declared ``ondelete="SET NULL"`` says the opposite: the row outlives its
parent (the audit log outlives its area, a paper return outlives the response
made from it), so that column is set to NULL instead.

Rows are deleted children first, table by table, so the result does not depend
on the database's ON DELETE CASCADE (present on most, not all, foreign keys).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, ForeignKey, MetaData, Select, Table, false, or_, select
from sqlalchemy.orm import Session

from feedback_app.models import Base


def _keeps_row(key: ForeignKey) -> bool:
    """True when the row outlives what ``key`` points at (the column is set to NULL)."""
    return (key.ondelete or "").upper() == "SET NULL"


def label(table: Table) -> str:
    """The name a table's count goes under in the audit log: its rows, in the plural."""
    name = table.name
    if name.endswith("y"):
        return f"{name[:-1]}ies"
    return f"{name}es" if name.endswith(("s", "x", "ch", "sh")) else f"{name}s"


@dataclass
class Ownership:
    """Every table whose rows belong to rows of ``root``, and how to find them.

    ``tables`` runs children first (the order to delete in) and ends with ``root``.
    """

    root: Table
    metadata: MetaData = field(default_factory=lambda: Base.metadata)
    tables: list[Table] = field(init=False)

    def __post_init__(self) -> None:
        owned = {self.root.name}
        changed = True
        while changed:
            changed = False
            for table in self.metadata.sorted_tables:
                if table.name not in owned and self._owning_keys(table, owned):
                    owned.add(table.name)
                    changed = True
        self.tables = [t for t in reversed(self.metadata.sorted_tables) if t.name in owned]

    @staticmethod
    def _owning_keys(table: Table, owned: set[str]) -> list[ForeignKey]:
        return [
            key
            for key in table.foreign_keys
            if key.column.table.name in owned
            and key.column.table is not table
            and not _keeps_row(key)
        ]

    @property
    def names(self) -> frozenset[str]:
        """The owned tables' names, ``root`` included."""
        return frozenset(t.name for t in self.tables)

    def belonging(self, table: Table, roots: Select[Any]) -> ColumnElement[bool]:
        """Rows of ``table`` that belong to the ``root`` rows whose keys ``roots`` selects."""
        if table is self.root:
            (key,) = self.root.primary_key.columns
            return key.in_(roots)
        keys = self._owning_keys(table, set(self.names))
        if not keys:
            return false()
        return or_(
            *(
                key.parent.in_(select(key.column).where(self.belonging(key.column.table, roots)))
                for key in keys
            )
        )

    def delete(self, session: Session, roots: Select[Any]) -> dict[str, int]:
        """Delete the ``root`` rows ``roots`` selects and all that belongs to them.

        Columns that point at them with ``ondelete="SET NULL"`` from rows that stay
        are set to NULL first. Returns the rows deleted per table (``label``); does
        not commit.
        """
        owned = self.names
        for table in self.metadata.sorted_tables:
            if table.name in owned:
                continue
            for key in table.foreign_keys:
                if key.column.table.name in owned and _keeps_row(key):
                    parents = select(key.column).where(self.belonging(key.column.table, roots))
                    session.execute(
                        table.update()
                        .where(key.parent.in_(parents))
                        .values({key.parent.name: None})
                    )
        counts: dict[str, int] = {}
        for table in self.tables:
            result = session.execute(table.delete().where(self.belonging(table, roots)))
            counts[label(table)] = int(result.rowcount)  # type: ignore[attr-defined]
        return counts
