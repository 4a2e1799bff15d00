"""Keeping an uploaded file between the steps, on the server, never in the cookie.

The file is written to ``IMPORT_DIR`` (default ``instance/imports/``) under a
random name, with a small JSON file beside it holding the choices made so far.
The browser only carries a signed token naming the file, the area and the person
who uploaded it, so nobody else can continue or read someone's upload, and a
token cannot be made up or pointed at another path. Files are deleted after the
import, when discarded, and by a sweep of anything older than a day on every new
upload. See docs/adr/0015-importing-baselines.md for multi-instance deployments.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

#: An upload is kept this long, then swept.
MAX_AGE_SECONDS = 24 * 60 * 60
_NAME = re.compile(r"^[A-Za-z0-9_-]{22,64}$")
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
    """Uploaded files under ``directory``, named by signed tokens."""

    def __init__(self, directory: Path, secret_key: str) -> None:
        self.directory = directory
        self._signer = URLSafeTimedSerializer(secret_key, salt=_SALT)

    def save(self, *, area_id: int, user_id: int, content: bytes, state: dict[str, Any]) -> str:
        """Keep ``content`` and ``state``; return the token that names them."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self.sweep()
        name = secrets.token_urlsafe(24)
        _write(self._path(name, ".csv"), content)
        _write(self._path(name, ".json"), json.dumps(state).encode())
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
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            return None
        try:
            content = self._path(name, ".csv").read_bytes()
            state = json.loads(self._path(name, ".json").read_text())
        except (OSError, ValueError):
            raise UploadExpired(token) from None
        return StoredUpload(
            name=name, content=content, state=state if isinstance(state, dict) else {}
        )

    def update(self, upload: StoredUpload) -> None:
        """Save the choices made so far."""
        _write(self._path(upload.name, ".json"), json.dumps(upload.state).encode())

    def delete(self, upload: StoredUpload) -> None:
        """Remove the file and its choices (after the import, or when discarded)."""
        for suffix in (".csv", ".json"):
            self._path(upload.name, suffix).unlink(missing_ok=True)

    def sweep(self, now: float | None = None) -> int:
        """Delete uploads older than a day; return how many files went."""
        limit = (now or time.time()) - MAX_AGE_SECONDS
        removed = 0
        for path in self.directory.glob("*"):
            try:
                if path.suffix in {".csv", ".json", ".tmp"} and path.stat().st_mtime < limit:
                    path.unlink(missing_ok=True)
                    removed += 1
            except OSError:
                continue
        return removed

    def _path(self, name: str, suffix: str) -> Path:
        return self.directory / f"{name}{suffix}"


def _write(path: Path, content: bytes) -> None:
    # Written whole then renamed: a reader never sees half a file.
    # Readable by the service's user only: the file holds answers.
    temporary = path.with_name(f"{path.name}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
    os.replace(temporary, path)
