"""Keeping an uploaded file between the steps, in the database, never in the cookie.

The file and the choices made so far are a ``PendingImport`` row under a random
name. The browser only carries a signed token naming the row, the area and the
person who uploaded it, so nobody else can continue or read someone's upload, and
a token cannot be made up. Rows are deleted after the import, when discarded, and
by a sweep of anything older than a day on every new upload. Being in the
database, an import can carry on whichever instance serves the next step
(docs/adr/0015-importing-baselines.md).

The store writes through the request's session and commits, so on SQLite it
shares the request's write transaction rather than waiting on it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete
from sqlalchemy.orm import Session

from feedback_app.models import PendingImport, utcnow

#: An upload is kept this long, then swept.
MAX_AGE_SECONDS = 24 * 60 * 60
_SALT = "baseline-import-upload"


class UploadExpired(LookupError):
    """The token was real but the upload is older than a day or already gone."""


@dataclass
class StoredUpload:
    """An upload and the choices made so far."""

    name: str
    content: bytes
    state: dict[str, Any]


class UploadStore:
    """Pending uploads in the database, named by signed tokens."""

    def __init__(self, session: Session, secret_key: str) -> None:
        self.session = session
        self._signer = URLSafeTimedSerializer(secret_key, salt=_SALT)

    def save(self, *, area_id: int, user_id: int, content: bytes, state: dict[str, Any]) -> str:
        """Keep ``content`` and ``state``; return the token that names them."""
        self.sweep()
        name = secrets.token_urlsafe(24)
        self.session.add(
            PendingImport(
                name=name, area_id=area_id, user_id=user_id, content=content, state=dict(state)
            )
        )
        self.session.commit()
        return self._signer.dumps({"name": name, "area": area_id, "user": user_id})

    def load(self, token: str, *, area_id: int, user_id: int) -> StoredUpload | None:
        """The upload a token names, or None when the token is not a real one for
        this area and person. Raises UploadExpired when it is too old or gone."""
        try:
            data = self._signer.loads(token, max_age=MAX_AGE_SECONDS)
        except SignatureExpired:
            raise UploadExpired(token) from None
        except BadSignature:
            return None
        if not isinstance(data, dict) or data.get("area") != area_id:
            return None
        if data.get("user") != user_id:
            return None
        name = data.get("name")
        if not isinstance(name, str):
            return None
        row = self.session.get(PendingImport, name)
        if row is None or row.area_id != area_id or row.user_id != user_id:
            raise UploadExpired(token)
        state = row.state if isinstance(row.state, dict) else {}
        return StoredUpload(name=name, content=row.content, state=dict(state))

    def update(self, upload: StoredUpload) -> None:
        """Save the choices made so far."""
        row = self.session.get(PendingImport, upload.name)
        if row is not None:
            row.state = dict(upload.state)
            self.session.commit()

    def delete(self, upload: StoredUpload) -> None:
        """Remove the upload and its choices (after the import, or when discarded)."""
        self.session.execute(delete(PendingImport).where(PendingImport.name == upload.name))
        self.session.commit()

    def sweep(self, now: dt.datetime | None = None) -> int:
        """Delete uploads older than a day; return how many went (not committed)."""
        limit = (now or utcnow()) - dt.timedelta(seconds=MAX_AGE_SECONDS)
        result = self.session.execute(delete(PendingImport).where(PendingImport.created_at < limit))
        return int(result.rowcount)  # type: ignore[attr-defined]
