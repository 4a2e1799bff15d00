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
