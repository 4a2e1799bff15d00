"""The message template is never stale: what the code and questionnaires say is in it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYBABEL = str(Path(sys.executable).with_name("pybabel"))


def test_messages_pot_is_up_to_date(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [
            PYBABEL,
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-k",
            "S_",
            "--sort-output",
            "--omit-header",
            "--no-location",
            "-o",
            str(fresh),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    committed = (ROOT / "translations" / "messages.pot").read_text(encoding="utf-8")
    assert fresh.read_text(encoding="utf-8") == committed, "run `make translations` and commit"


def test_questionnaire_text_is_in_the_catalog() -> None:
    pot = (ROOT / "translations" / "messages.pot").read_text(encoding="utf-8")
    from surveys.extract import questionnaire_messages
    from surveys.library import bundled_questionnaires

    for questionnaire in bundled_questionnaires().values():
        for message, _note in questionnaire_messages(questionnaire):
            first_line = message.split("\n")[0][:40].replace('"', '\\"')
            assert first_line in pot, message


# --- Shipped languages -------------------------------------------------------

import re  # noqa: E402

import pytest  # noqa: E402
from babel.messages.catalog import Catalog  # noqa: E402
from babel.messages.pofile import read_po  # noqa: E402

from feedback_app.web.i18n import SHIPPED_LANGUAGES  # noqa: E402

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
SENTENCE_END = re.compile(r"(?<=[.!?؟।۔])\s+")


def _catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as stream:
        return read_po(stream, locale=locale)


def _ids(message_id: str | tuple[str, ...]) -> tuple[str, ...]:
    return message_id if isinstance(message_id, tuple) else (message_id,)


TRANSLATED = [lang for lang in SHIPPED_LANGUAGES if lang != "en"]


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_respondent_message_is_translated(language: str) -> None:
    template = _catalog(ROOT / "translations" / "respondent.pot")
    catalog = _catalog(ROOT / "translations" / language / "LC_MESSAGES" / "messages.po", language)
    wanted = {m.id for m in template if m.id}
    have = {m.id for m in catalog if m.id}
    assert wanted - have == set(), "run `make translations`: messages missing from the catalog"
    problems = []
    for message in catalog:
        if not message.id or message.id not in wanted:
            continue
        strings = _ids(message.string)
        english = " ".join(_ids(message.id))
        if message.fuzzy:
            problems.append(f"fuzzy: {english!r}")
        if not all(s.strip() for s in strings):
            problems.append(f"untranslated: {english!r}")
            continue
        expected = set(PLACEHOLDER.findall(english))
        for string in strings:
            if set(PLACEHOLDER.findall(string)) != expected:
                problems.append(f"placeholders differ: {english!r} -> {string!r}")
    assert problems == [], f"{language}: {len(problems)} problems, first: {problems[:5]}"


@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
def test_easy_read_sentences_are_short_in_every_language(language: str) -> None:
    from surveys.extract import questionnaire_messages
    from surveys.library import bundled_questionnaires

    easy_read = [q for q in bundled_questionnaires().values() if q.easy_read]
    assert easy_read
    catalog = (
        None
        if language == "en"
        else _catalog(ROOT / "translations" / language / "LC_MESSAGES" / "messages.po", language)
    )
    long_sentences = []
    for questionnaire in easy_read:
        for english, _note in questionnaire_messages(questionnaire):
            if _note.endswith(("privacy notice", "what happens next", "who it is for")):
                continue  # shown on the start and end pages, not Easy Read question text
            text = english
            if catalog is not None:
                message = catalog.get(english)
                text = str(message.string) if message and message.string else english
            for sentence in SENTENCE_END.split(text.strip()):
                if len(sentence.split()) > 15:
                    long_sentences.append(sentence)
    assert long_sentences == []
