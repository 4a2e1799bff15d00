"""Questionnaire text in the respondent's language.

Bundled questionnaires are translated in the shipped gettext catalogs. A
questionnaire made in the designer is translated per published version: a
translator downloads a ``.po`` file for a version and language, fills it in, and
a coordinator uploads it (checked: same message ids, same placeholders). A
language is offered on a wave only when every message of its version is
translated, by the catalog or by an upload.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po, write_po
from babel.support import Translations
from flask import g, has_request_context
from flask_babel import get_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from feedback_app.config import PROJECT_DIR
from feedback_app.models import LocalArea, QuestionnaireTranslation, QuestionnaireVersion, utcnow
from feedback_app.web import request_translations
from feedback_app.web.languages import SHIPPED_LANGUAGES
from surveys import Questionnaire
from surveys.extract import questionnaire_messages

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
#: A translation file bigger than this is not a questionnaire's.
MAX_PO_BYTES = 1024 * 1024


class TranslationFileError(ValueError):
    """An uploaded translation file cannot be used; ``problems`` says why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@lru_cache(maxsize=16)
def _shipped_catalog(language: str) -> Mapping[str, str]:
    translations = Translations.load(str(PROJECT_DIR / "translations"), [language])
    catalog = getattr(translations, "_catalog", {})
    return {k: v for k, v in catalog.items() if isinstance(k, str) and k and v}


def version_messages(questionnaire: Questionnaire) -> list[tuple[str, str]]:
    """The version's translatable texts (message id, where it appears), unique, in order."""
    seen: dict[str, str] = {}
    for message, note in questionnaire_messages(questionnaire):
        seen.setdefault(message, note)
    return list(seen.items())


def uploaded_messages(db: Session, version_id: int, language: str) -> dict[str, str]:
    """What coordinators uploaded for this version and language."""
    row = db.scalar(
        select(QuestionnaireTranslation).where(
            QuestionnaireTranslation.version_id == version_id,
            QuestionnaireTranslation.language == language,
        )
    )
    return dict(row.messages) if row is not None else {}


def translation_for(message: str, language: str, uploaded: Mapping[str, str]) -> str | None:
    """The translation of one message: an upload first, then the shipped catalog."""
    if language == "en":
        return message
    return uploaded.get(message) or _shipped_catalog(language).get(message)


@dataclass(frozen=True)
class Coverage:
    """How much of a version is translated into one language."""

    language: str
    translated: int
    total: int

    @property
    def complete(self) -> bool:
        """Every message translated."""
        return self.translated == self.total

    @property
    def percent(self) -> int:
        """Whole per cent translated (rounded down, so 99.9% never shows as 100%)."""
        return 100 if self.total == 0 else (100 * self.translated) // self.total


def place_names(db: Session, version_id: int) -> frozenset[str]:
    """The area's own locality labels: place names, shown as written in every language."""
    version = db.get(QuestionnaireVersion, version_id)
    area = db.get(LocalArea, version.area_id) if version is not None else None
    return frozenset(str(label) for _code, label in (area.localities if area else []))


def coverage(
    db: Session,
    *,
    version_id: int,
    questionnaire: Questionnaire,
    uploads: Mapping[str, Mapping[str, str]] | None = None,
) -> list[Coverage]:
    """Coverage of the version in every shipped language (place names need none).

    ``uploads`` (language -> messages, every upload of the version) saves a
    query per language when the caller has read them already.
    """
    names = place_names(db, version_id)
    messages = [m for m, _note in version_messages(questionnaire) if m not in names]
    result = []
    for language in SHIPPED_LANGUAGES:
        uploaded = (
            uploads.get(language, {})
            if uploads is not None
            else uploaded_messages(db, version_id, language)
        )
        done = sum(1 for m in messages if translation_for(m, language, uploaded))
        result.append(Coverage(language, done, len(messages)))
    return result


def offered_languages(
    db: Session, *, version_id: int, questionnaire: Questionnaire
) -> tuple[str, ...]:
    """Languages respondents may choose for this version: the complete ones.

    Runs on every respondent request, so the answer is cached per process and
    recomputed only when the version's uploads change (one small query).
    """
    uploads = tuple(
        tuple(row)
        for row in db.execute(
            select(QuestionnaireTranslation.language, QuestionnaireTranslation.uploaded_at)
            .where(QuestionnaireTranslation.version_id == version_id)
            .order_by(QuestionnaireTranslation.language)
        ).all()
    )
    version = db.get(QuestionnaireVersion, version_id)
    # The checksum too: ids are reused across databases (tests, restores).
    key = (version_id, version.checksum if version else "", uploads)
    cached = _OFFERED_CACHE.get(key)
    if cached is None:
        cached = tuple(
            c.language
            for c in coverage(db, version_id=version_id, questionnaire=questionnaire)
            if c.complete
        )
        if len(_OFFERED_CACHE) > 512:
            _OFFERED_CACHE.clear()
        _OFFERED_CACHE[key] = cached
    return cached


_OFFERED_CACHE: dict[tuple[int, str, tuple[tuple[object, ...], ...]], tuple[str, ...]] = {}


def po_file(db: Session, *, version_id: int, questionnaire: Questionnaire, language: str) -> bytes:
    """A ``.po`` file for a translator, prefilled with what is already translated."""
    catalog = Catalog(locale=language, project=questionnaire.title, fuzzy=False)
    uploaded = uploaded_messages(db, version_id, language)
    for message, note in version_messages(questionnaire):
        catalog.add(
            message, translation_for(message, language, uploaded) or "", auto_comments=[note]
        )
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, omit_header=False)
    return buffer.getvalue()


def read_upload(data: bytes, *, questionnaire: Questionnaire, language: str) -> dict[str, str]:
    """Check an uploaded ``.po`` file against the version; return its translations.

    Raises TranslationFileError listing every problem: unreadable file, a message id
    the version does not have, placeholders that differ from the English.
    """
    if len(data) > MAX_PO_BYTES:
        raise TranslationFileError(["The file must be smaller than 1 MB"])
    try:
        text = data.decode("utf-8")
        catalog = read_po(io.StringIO(text), locale=language, abort_invalid=True)
    except (UnicodeDecodeError, PoFileError, ValueError, TypeError) as error:
        raise TranslationFileError(
            [f"The file is not a translation (.po) file that can be read: {error}"]
        ) from None
    except Exception as error:
        # Babel's header parsing raises anything on odd headers (a folded line after
        # POT-Creation-Date is an AttributeError): the same plain message, never a 500.
        raise TranslationFileError(
            [
                "The file is not a translation (.po) file that can be read: "
                f"its header could not be read ({type(error).__name__})"
            ]
        ) from None
    known = {m for m, _note in version_messages(questionnaire)}
    problems: list[str] = []
    translations: dict[str, str] = {}
    for message in catalog:
        if not message.id:
            continue
        if not isinstance(message.id, str):
            problems.append(f"Plural messages are not used in questionnaires: {message.id[0]!r}")
            continue
        if message.id not in known:
            problems.append(f"This text is not in the questionnaire: {message.id!r}")
            continue
        string = message.string if isinstance(message.string, str) else ""
        if not string.strip() or message.fuzzy:
            continue
        if set(PLACEHOLDER.findall(string)) != set(PLACEHOLDER.findall(message.id)):
            problems.append(f"Placeholders differ from the English in {message.id!r}")
            continue
        translations[message.id] = string
    if problems:
        raise TranslationFileError(problems)
    return translations


def save_upload(
    db: Session, *, version_id: int, language: str, messages: dict[str, str], user_id: int | None
) -> None:
    """Store (replace) a version's translations for a language. Caller commits."""
    row = db.scalar(
        select(QuestionnaireTranslation).where(
            QuestionnaireTranslation.version_id == version_id,
            QuestionnaireTranslation.language == language,
        )
    )
    if row is None:
        db.add(
            QuestionnaireTranslation(
                version_id=version_id, language=language, messages=messages, uploaded_by_id=user_id
            )
        )
    else:
        row.messages = messages
        row.uploaded_by_id = user_id
        # A new time also tells offered_languages' cache that the upload changed.
        row.uploaded_at = utcnow()


def use_version(db: Session, version_id: int) -> None:
    """Make this request's questionnaire text come from ``version_id``'s translations."""
    language = str(get_locale() or "en")
    g.content_messages = {} if language == "en" else uploaded_messages(db, version_id, language)


def current_language() -> str:
    """The request's language code (``en`` outside a request)."""
    return request_translations.language() if has_request_context() else "en"


def uses_uploaded_text() -> bool:
    """Whether this request's questionnaire text comes from a coordinator's upload."""
    return has_request_context() and bool(g.get("content_messages"))


def content_gettext(text: str | None) -> str:
    """Questionnaire text in the current language: the version's upload, else the catalog.

    The one way designer and staff text is translated. Such text is data, never a
    template: it is looked up, not %- or {}-formatted, so "38.5% of parents",
    "100% anonymous" or "%(x)s" come out as written. (Jinja's ``_()`` always
    %-formats its result and marks it safe, so templates use ``qt()`` instead;
    tests/project/test_text_is_data.py refuses ``_()`` with anything but a literal.)
    """
    if not text:
        return ""
    if has_request_context():
        uploaded: Mapping[str, str] = g.get("content_messages") or {}
        if text in uploaded:
            return uploaded[text]
    return str(request_translations.translations().ugettext(text))
