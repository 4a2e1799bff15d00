"""Single-use invitation links: made in batches, kept only as hashes, used once.

A link's token exists in clear only in the CSV handed to staff when the batch is
made. The database keeps its SHA-256, when it was used, and nothing else: no
response records which link it came through, so reports can never join the two.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from analysis.excel_safety import neutralise
from feedback_app.models import Invitation, InvitationBatch, Wave

if TYPE_CHECKING:
    from feedback_app.respond.public_wave import JourneyWave

#: 16 random bytes: 128 bits, 22 URL-safe characters.
TOKEN_BYTES = 16
MIN_BATCH, MAX_BATCH = 1, 5000
#: Longer than any token we make; anything longer is not worth hashing.
MAX_TOKEN_LENGTH = 100


@dataclass(frozen=True)
class BatchSummary:
    """What the share page shows about a batch: counts, never links."""

    id: int
    label: str
    size: int
    used: int
    created_at: object


@dataclass(frozen=True)
class NewBatch:
    """A batch just made, with its tokens in clear (only ever in this object)."""

    batch: InvitationBatch
    tokens: tuple[str, ...]


def hash_token(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """A fresh token with 128 bits from ``secrets``."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def create_batch(
    db: Session, *, wave: Wave, size: int, label: str, created_by_id: int | None
) -> NewBatch:
    """Make ``size`` single-use links for ``wave`` (flushed, not committed).

    The caller commits, together with the audit event of the download.
    """
    if not MIN_BATCH <= size <= MAX_BATCH:
        raise ValueError(f"a batch has {MIN_BATCH} to {MAX_BATCH} links")
    tokens = tuple(new_token() for _ in range(size))
    if len(set(tokens)) != size:  # pragma: no cover - 1 in 2^100
        raise RuntimeError("token collision")
    batch = InvitationBatch(wave_id=wave.id, label=label, size=size, created_by_id=created_by_id)
    db.add(batch)
    db.flush()
    db.execute(
        insert(Invitation),
        [{"batch_id": batch.id, "wave_id": wave.id, "token_hash": hash_token(t)} for t in tokens],
    )
    return NewBatch(batch=batch, tokens=tokens)


def links_csv(tokens: Iterable[str], *, label: str, link_for: Callable[[str], str]) -> str:
    """The mail-merge file: one row per link, cells safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["link", "batch"])
    for token in tokens:
        writer.writerow([neutralise(link_for(token)), neutralise(label)])
    return out.getvalue()


def csv_data_url(body: str) -> str:
    """A ``data:`` URL holding the CSV ``body``, for a page to offer it as a download."""
    encoded = base64.b64encode(body.encode()).decode()
    return f"data:text/csv;charset=utf-8;base64,{encoded}"


def batch_summaries(db: Session, wave: Wave) -> list[BatchSummary]:
    """Every batch of ``wave``, newest first, with how many links were used."""
    used = func.count(Invitation.used_at)
    rows = db.execute(
        select(InvitationBatch, used)
        .outerjoin(Invitation, Invitation.batch_id == InvitationBatch.id)
        .where(InvitationBatch.wave_id == wave.id)
        .group_by(InvitationBatch.id)
        .order_by(InvitationBatch.created_at.desc(), InvitationBatch.id.desc())
    ).all()
    return [
        BatchSummary(
            id=batch.id, label=batch.label, size=batch.size, used=count, created_at=batch.created_at
        )
        for batch, count in rows
    ]


def find_invitation(db: Session, token: str) -> Invitation | None:
    """The invitation behind a link, or None for anything unknown or malformed."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return db.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))


def is_unused(db: Session, token_hash: str, wave: JourneyWave) -> bool:
    """True while the invitation with this hash belongs to ``wave`` and is not used."""
    found = db.scalar(
        select(Invitation.id).where(
            Invitation.token_hash == token_hash,
            Invitation.wave_id == wave.id,
            Invitation.used_at.is_(None),
        )
    )
    return found is not None


def consume_invitation(db: Session, token_hash: str) -> bool:
    """Mark the invitation used; True only for the one call that did. Does NOT commit.

    A conditional UPDATE, so of any number of concurrent submissions with one link
    exactly one sees a row change; it must run in the submission's transaction, so
    a submission that fails gives the link back.

    ``used_at`` is set to when the *batch* was made, never to now: a time of use
    could be matched with a response's ``submitted_at`` and, with the mail-merge
    file, join a named person to their answers.
    """
    made_at = (
        select(InvitationBatch.created_at)
        .where(InvitationBatch.id == Invitation.batch_id)
        .scalar_subquery()
    )
    result = db.execute(
        update(Invitation)
        .where(Invitation.token_hash == token_hash, Invitation.used_at.is_(None))
        .values(used_at=made_at)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]
