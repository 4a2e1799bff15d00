"""Settings from the environment, with safe defaults for the embedded demo."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from feedback_app.web.languages import SHIPPED_LANGUAGES

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = PROJECT_DIR / "instance" / "feedback.sqlite"
#: Marks a secret that must never reach production.
DEVELOPMENT_SECRET = "development-only-not-secret"  # noqa: S105


class ConfigError(RuntimeError):
    """The environment asks for something unsafe or impossible."""


@dataclass(frozen=True)
class Settings:
    """Everything the application reads from its environment."""

    secret_key: str
    database_url: str
    production: bool
    languages: tuple[str, ...] = SHIPPED_LANGUAGES
    extra: dict[str, Any] = field(default_factory=dict)

    def flask_config(self) -> dict[str, Any]:
        """The mapping handed to ``app.config``."""
        return {
            "SECRET_KEY": self.secret_key,
            "DATABASE_URL": self.database_url,
            "PRODUCTION": self.production,
            "LANGUAGES": self.languages,
            # A parent may leave a page open for hours; the token lives as long
            # as the session so a slow answer is never thrown away.
            "WTF_CSRF_TIME_LIMIT": None,
            "WTF_CSRF_SSL_STRICT": self.production,
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": self.production,
            "SESSION_COOKIE_NAME": "feedback_session",
            "PERMANENT_SESSION_LIFETIME": 60 * 60 * 24 * 30,
            # Free text is at most 10,000 characters; nothing legitimate is bigger.
            "MAX_CONTENT_LENGTH": 256 * 1024,
            "MAX_FORM_MEMORY_SIZE": 256 * 1024,
            "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_DIR / "translations"),
            "BABEL_DEFAULT_LOCALE": "en",
            # Pages are compressed as they are sent; built assets are compressed
            # once at build time (feedback_app/web/static_files.py).
            "COMPRESS_ALGORITHM": "gzip",
            "COMPRESS_MIMETYPES": ["text/html", "text/csv", "application/json"],
            "COMPRESS_MIN_SIZE": 500,
            # Dates shown to people are in the local areas' time zone.
            "BABEL_DEFAULT_TIMEZONE": "Europe/London",
            **self.extra,
        }


def trusted_proxies(setting: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """``FORWARDED_ALLOW_IPS`` as networks (``*`` trusts every peer). ValueError if bad."""
    parts = [p.strip() for p in setting.split(",") if p.strip()]
    if "*" in parts:
        return [ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0")]
    return [ipaddress.ip_network(p, strict=False) for p in parts]


#: Tunable limits read from the environment: name -> (type, smallest allowed).
#: Their defaults live with the code that uses them (docs/production.md lists all).
TUNABLES: dict[str, tuple[type[int] | type[float], float]] = {
    # Answer saves per response per window (feedback_app/respond/journey.py).
    "RESPOND_SAVE_LIMIT": (int, 1),
    "RESPOND_SAVE_WINDOW_SECONDS": (int, 1),
    # A page saved sooner than this after it was shown counts as "fast".
    "RESPOND_MIN_SECONDS_PER_PAGE": (float, 0),
    # The largest CSV an officer may import (bytes).
    "IMPORT_MAX_BYTES": (int, 1024),
    # Staff sessions end after this long idle, and this long after signing in
    # (feedback_app/staff/sessions.py).
    "STAFF_IDLE_MINUTES": (int, 1),
    "STAFF_SESSION_HOURS": (int, 1),
    # Argon2id password checks at once per process and per host (all workers of
    # the instance), and how long a sign-in waits
    # for one before it is refused with 503 (feedback_app/staff/accounts.py, ADR 0018).
    "LOGIN_CONCURRENT_CHECKS": (int, 1),
    "LOGIN_CONCURRENT_CHECKS_PER_HOST": (int, 1),
    "LOGIN_CHECK_PATIENCE_SECONDS": (float, 0),
    # Sending invitations (feedback_app/sending/, ADR 0029): messages a minute (Notify
    # allows 3,000), attempts for a temporary failure, the first back-off (doubled
    # each time), when a claim left by a dead worker is settled, and how many days
    # after a wave closes its contacts are deleted.
    "SEND_PER_MINUTE": (int, 1),
    "SEND_MAX_ATTEMPTS": (int, 1),
    "SEND_RETRY_SECONDS": (float, 0),
    "SEND_CLAIM_TIMEOUT_SECONDS": (float, 0),
    "CONTACT_RETENTION_DAYS": (int, 0),
    # The update list (feedback_app/sending/updates.py, ADR 0039): hours a
    # confirmation link works, days an unconfirmed sign-up is kept, and days a
    # person stays on the list after they last confirmed (then they join again).
    "UPDATE_CONFIRM_HOURS": (int, 1),
    "UPDATE_UNCONFIRMED_DAYS": (int, 1),
    "UPDATE_LIST_RETENTION_DAYS": (int, 1),
    # How long a respondent's own "carry on" message may take to send while they
    # wait for the page (feedback_app/respond/carry_on.py, ADR 0037).
    "SEND_REQUEST_TIMEOUT_SECONDS": (float, 1),
    # Results over an open wave are worked out again at most this often when only
    # new respondent submissions changed (feedback_app/results/data.py).
    "RESULTS_OPEN_WAVE_REFRESH_SECONDS": (int, 1),
}


def _tunables(env: dict[str, str]) -> dict[str, int | float]:
    found: dict[str, int | float] = {}
    for name, (kind, smallest) in TUNABLES.items():
        text = env.get(name, "").strip()
        if not text:
            continue
        try:
            value = kind(text)
        except ValueError:
            raise ConfigError(f"{name} must be a {kind.__name__}, not {text!r}") from None
        if value < smallest:
            raise ConfigError(f"{name} must be at least {smallest:g}, not {text!r}")
        found[name] = value
    return found


def from_environment(environ: dict[str, str] | None = None) -> Settings:
    """Read settings from ``environ`` (default ``os.environ``).

    Refuses to start in production with the development secret or no secret,
    and anywhere with a limit that is not a number or is too small.
    """
    env = dict(os.environ if environ is None else environ)
    production = env.get("FEEDBACK_ENV", "development") == "production"
    secret = env.get("SECRET_KEY", "")
    if production and (not secret or secret == DEVELOPMENT_SECRET or len(secret) < 32):
        raise ConfigError(
            "SECRET_KEY must be set to a random value of at least 32 characters in production"
        )
    proxies = env.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
    try:
        trusted_proxies(proxies)
    except ValueError:
        raise ConfigError(
            "FORWARDED_ALLOW_IPS must be addresses or networks separated by commas,"
            f" not {proxies!r}"
        ) from None
    links = _public_links(env, production=production)
    statement = accessibility_statement_settings(env)
    sending = sending_settings(env)
    single_sign_on = sso_settings(env, production=production)
    database_url = env.get("DATABASE_URL") or f"sqlite:///{DEFAULT_DATABASE}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgres://")
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    return Settings(
        secret_key=secret or DEVELOPMENT_SECRET,
        database_url=database_url,
        production=production,
        extra={
            **_tunables(env),
            "FORWARDED_ALLOW_IPS": proxies,
            **links,
            **statement,
            **sending,
            **single_sign_on,
            # The service's name in staff's authenticator apps (ADR 0038).
            "TOTP_ISSUER": env.get("TOTP_ISSUER", "").strip()[:100],
        },
    )


#: When this release's automated accessibility checks (the axe and browser suites in
#: tests/browser/) were last reviewed against WCAG 2.2 AA; a deployment that tests
#: its own pages again sets ``ACCESSIBILITY_TESTED_ON``.
ACCESSIBILITY_TESTED_ON = "2026-12-03"
#: The compliance levels of GOV.UK's model statement.
ACCESSIBILITY_COMPLIANCE = ("full", "partial", "not")


def _iso_date(env: dict[str, str], name: str, default: str) -> str:
    text = env.get(name, "").strip() or default
    try:
        date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"{name} must be a date like 2026-12-31, not {text!r}") from None
    return text


def accessibility_statement_settings(env: dict[str, str]) -> dict[str, Any]:
    """The deployment's details for its accessibility statement (``/accessibility``).

    ``ORGANISATION_NAME`` (who runs the service), ``CONTACT_EMAIL`` and
    ``CONTACT_PHONE`` (where people ask for another format or report a problem),
    ``ACCESSIBILITY_RESPONSE_DAYS`` (how soon they hear back), the compliance level
    (``full``, ``partial`` or ``not``) and the dates the statement was prepared and
    the service last tested. Each is checked here, so a typing mistake stops the app
    instead of publishing a wrong statement.
    """
    email = env.get("CONTACT_EMAIL", "").strip()
    if email and ("@" not in email or any(c.isspace() for c in email)):
        raise ConfigError(f"CONTACT_EMAIL must be an e-mail address, not {email!r}")
    days_text = env.get("ACCESSIBILITY_RESPONSE_DAYS", "").strip() or "10"
    if not days_text.isdigit() or not 1 <= int(days_text) <= 60:
        raise ConfigError(
            f"ACCESSIBILITY_RESPONSE_DAYS must be a whole number of days from 1 to 60,"
            f" not {days_text!r}"
        )
    compliance = env.get("ACCESSIBILITY_COMPLIANCE", "").strip().lower() or "partial"
    if compliance not in ACCESSIBILITY_COMPLIANCE:
        raise ConfigError(
            f"ACCESSIBILITY_COMPLIANCE must be one of {', '.join(ACCESSIBILITY_COMPLIANCE)},"
            f" not {compliance!r}"
        )
    tested = _iso_date(env, "ACCESSIBILITY_TESTED_ON", ACCESSIBILITY_TESTED_ON)
    return {
        "ORGANISATION_NAME": env.get("ORGANISATION_NAME", "").strip(),
        "CONTACT_EMAIL": email,
        "CONTACT_PHONE": env.get("CONTACT_PHONE", "").strip(),
        "ACCESSIBILITY_RESPONSE_DAYS": int(days_text),
        "ACCESSIBILITY_COMPLIANCE": compliance,
        "ACCESSIBILITY_TESTED_ON": tested,
        "ACCESSIBILITY_PREPARED_ON": _iso_date(env, "ACCESSIBILITY_PREPARED_ON", tested),
    }


def sso_settings(env: dict[str, str], *, production: bool) -> dict[str, Any]:
    """Staff single sign-on with OpenID Connect (ADR 0035), or none when unset.

    ``OIDC_ISSUER`` (the provider's issuer; its discovery document is read from
    ``<issuer>/.well-known/openid-configuration``), ``OIDC_CLIENT_ID`` and
    ``OIDC_CLIENT_SECRET`` (from the app registration), optionally ``OIDC_SCOPES``
    (default ``openid email profile``) and ``OIDC_PROVIDER_NAME`` (the sign-in
    button's words, default "your organisation account"). All three or none.
    """
    names = ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET")
    found: dict[str, Any] = {name: env.get(name, "").strip() for name in names}
    given = [name for name in names if found[name]]
    if given and len(given) < len(names):
        missing = ", ".join(name for name in names if not found[name])
        raise ConfigError(f"Single sign-on needs {missing} as well as {', '.join(given)}")
    issuer = found["OIDC_ISSUER"]
    if issuer and urlsplit(issuer).scheme not in (("https",) if production else ("https", "http")):
        raise ConfigError(f"OIDC_ISSUER must be an https:// address, not {issuer!r}")
    found["OIDC_SCOPES"] = env.get("OIDC_SCOPES", "").strip() or "openid email profile"
    if "openid" not in found["OIDC_SCOPES"].split():
        raise ConfigError("OIDC_SCOPES must include openid")
    found["OIDC_PROVIDER_NAME"] = env.get("OIDC_PROVIDER_NAME", "").strip()
    return found


def sending_settings(env: dict[str, str]) -> dict[str, Any]:
    """``SEND_BACKEND`` (``notify``, ``smtp`` or unset: no sending) and what it needs.

    Notify: ``NOTIFY_API_KEY`` (the service's key, from the environment),
    ``NOTIFY_EMAIL_TEMPLATE_ID`` and/or ``NOTIFY_SMS_TEMPLATE_ID``, optionally
    ``NOTIFY_BASE_URL`` and the templates of a respondent's own resume link,
    ``NOTIFY_CARRY_ON_EMAIL_TEMPLATE_ID`` / ``NOTIFY_CARRY_ON_SMS_TEMPLATE_ID``
    (without them the save-for-later page offers no message), and those of the
    update list, ``NOTIFY_UPDATE_CONFIRM_EMAIL_TEMPLATE_ID`` / ``_SMS_`` and
    ``NOTIFY_UPDATE_EMAIL_TEMPLATE_ID`` / ``_SMS_`` (without both kinds for a
    channel the sign-up page does not offer that channel; ADR 0039). SMTP: ``SMTP_HOST``,
    ``SMTP_FROM``, optionally ``SMTP_PORT`` (587), ``SMTP_USERNAME``/``SMTP_PASSWORD``,
    ``SMTP_STARTTLS`` (``true``; ``false`` only for a relay on the same machine) and
    ``SMTP_CA_FILE``.
    """
    backend = env.get("SEND_BACKEND", "").strip().lower()
    found: dict[str, Any] = {"SEND_BACKEND": backend}
    if backend == "notify":
        key = env.get("NOTIFY_API_KEY", "").strip()
        if len(key) < 74:
            raise ConfigError("NOTIFY_API_KEY must be the service's API key from Notify")
        found["NOTIFY_API_KEY"] = key
        found["NOTIFY_BASE_URL"] = env.get("NOTIFY_BASE_URL", "").strip().rstrip("/")
        for name in (
            "NOTIFY_EMAIL_TEMPLATE_ID",
            "NOTIFY_SMS_TEMPLATE_ID",
            "NOTIFY_CARRY_ON_EMAIL_TEMPLATE_ID",
            "NOTIFY_CARRY_ON_SMS_TEMPLATE_ID",
            "NOTIFY_UPDATE_CONFIRM_EMAIL_TEMPLATE_ID",
            "NOTIFY_UPDATE_CONFIRM_SMS_TEMPLATE_ID",
            "NOTIFY_UPDATE_EMAIL_TEMPLATE_ID",
            "NOTIFY_UPDATE_SMS_TEMPLATE_ID",
        ):
            found[name] = env.get(name, "").strip()
        if not (found["NOTIFY_EMAIL_TEMPLATE_ID"] or found["NOTIFY_SMS_TEMPLATE_ID"]):
            raise ConfigError("SEND_BACKEND=notify needs NOTIFY_EMAIL_TEMPLATE_ID or _SMS_")
    elif backend == "smtp":
        for name in ("SMTP_HOST", "SMTP_FROM"):
            if not env.get(name, "").strip():
                raise ConfigError(f"SEND_BACKEND=smtp needs {name}")
            found[name] = env[name].strip()
        port = env.get("SMTP_PORT", "").strip() or "587"
        if not port.isdigit():
            raise ConfigError(f"SMTP_PORT must be a port number, not {port!r}")
        found["SMTP_PORT"] = int(port)
        found["SMTP_USERNAME"] = env.get("SMTP_USERNAME", "")
        found["SMTP_PASSWORD"] = env.get("SMTP_PASSWORD", "")
        found["SMTP_STARTTLS"] = env.get("SMTP_STARTTLS", "true").strip().lower() != "false"
        found["SMTP_CA_FILE"] = env.get("SMTP_CA_FILE", "").strip()
    elif backend:
        raise ConfigError(f"SEND_BACKEND must be notify or smtp, not {backend!r}")
    return found


def _public_links(env: dict[str, str], *, production: bool) -> dict[str, Any]:
    """``PUBLIC_BASE_URL`` and ``TRUSTED_HOSTS``: links never take the request's Host.

    Invitation, one-time sign-in and share links are built from the base URL
    (feedback_app/web/links.py). In production the base URL is required, and requests
    for any other host are refused with a 400 (Flask's ``TRUSTED_HOSTS``): its own
    host, plus ``localhost`` and ``127.0.0.1`` for health checks on the machine,
    unless ``TRUSTED_HOSTS`` lists the hosts itself.
    """
    base = env.get("PUBLIC_BASE_URL", "").strip().rstrip("/")
    found: dict[str, Any] = {}
    if base:
        parts = urlsplit(base)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ConfigError(f"PUBLIC_BASE_URL must be like https://host, not {base!r}")
        if parts.path or parts.query or parts.fragment:
            raise ConfigError(f"PUBLIC_BASE_URL must have no path or query, not {base!r}")
        if production and parts.scheme != "https":
            raise ConfigError("PUBLIC_BASE_URL must start with https:// in production")
        found["PUBLIC_BASE_URL"] = base
    elif production:
        raise ConfigError(
            "PUBLIC_BASE_URL must be set in production (the address families and staff "
            "use, e.g. https://feedback.example.gov.uk): links are built from it"
        )
    hosts = [h.strip() for h in env.get("TRUSTED_HOSTS", "").split(",") if h.strip()]
    if hosts:
        found["TRUSTED_HOSTS"] = hosts
    elif production:
        found["TRUSTED_HOSTS"] = [urlsplit(base).hostname, "localhost", "127.0.0.1"]
    return found
