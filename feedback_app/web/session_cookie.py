"""The signed session cookie, re-signed only when it changed or is getting old.

Flask re-signs a permanent session's cookie on every request
(``SESSION_REFRESH_EACH_REQUEST``) so that its 30-day lifetime counts from the
last request. That costs every respondent request a JSON dump, an HMAC and a
``Set-Cookie`` header although the session rarely changes. Here the cookie is
re-signed when the session changed, or when its signature is older than
``REFRESH_AFTER``: the lifetime still counts from the last request, give or take
that hour (a session lasts between ``PERMANENT_SESSION_LIFETIME`` minus one hour
and ``PERMANENT_SESSION_LIFETIME`` after the last request). The signature's
timestamp is the one itsdangerous already checks against the lifetime, so
nothing is added to the cookie. See ADR 0041.

The signing serializer is built once per set of keys, and each key's derived
signing key is worked out once (issue 17): Flask builds a new serializer on every
request, and building one serializes an empty dict to find out whether its
serializer makes text, then every signature check derives the key again with an
HMAC; the two were a third of reading the cookie.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer, want_bytes

#: A cookie whose signature is older than this (seconds) is re-signed on the next request.
REFRESH_AFTER = 60 * 60


class _RememberingSigner(TimestampSigner):
    """itsdangerous' timestamp signer, deriving each secret key's signing key once."""

    #: (secret key, salt, key derivation, digest) -> the derived key.
    _derived: ClassVar[dict[tuple[Any, ...], bytes]] = {}

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        # Signing passes None for the newest key: named here, or every signer in
        # the process would share the first key it saw.
        secret = self.secret_keys[-1] if secret_key is None else want_bytes(secret_key)
        key = (secret, self.salt, self.key_derivation, self.digest_method)
        derived = self._derived.get(key)
        if derived is None:
            derived = super().derive_key(secret)
            if len(self._derived) >= 64:  # keys are few; never grow without bound
                self._derived.clear()
            self._derived[key] = derived
        return derived


class StampedSession(SecureCookieSession):
    """A session that remembers when its cookie was signed (None: never)."""

    signed_at: float | None = None


class RefreshingSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, minus the re-signing of unchanged sessions."""

    session_class = StampedSession

    def __init__(self) -> None:
        #: (secret key fallbacks, secret key) -> its serializer.
        self._serializers: dict[tuple[Any, ...], URLSafeTimedSerializer] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        keys = (*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key)
        found = self._serializers.get(keys)
        if found is None:
            found = URLSafeTimedSerializer(
                list(keys),
                salt=self.salt,
                serializer=self.serializer,
                signer=_RememberingSigner,
                signer_kwargs={
                    "key_derivation": self.key_derivation,
                    "digest_method": self.digest_method,
                },
            )
            self._serializers = {keys: found}  # only the current keys are kept
        return found

    def open_session(self, app: Flask, request: Request) -> StampedSession | None:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        session = self.session_class(data)
        session.signed_at = signed_at.timestamp()
        return session

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        signed_at = getattr(session, "signed_at", None)
        return signed_at is None or time.time() - signed_at >= REFRESH_AFTER


def init_app(app: Flask) -> None:
    app.session_interface = RefreshingSessionInterface()
