"""The young people's survey: faces big enough to tell apart, one scale length
per survey (issue 15 point 12)."""

from __future__ import annotations

import re
from pathlib import Path

from surveys import QuestionnaireError, parse_questionnaire
from surveys.library import bundled_questionnaires
from surveys.loading import dump_questionnaire

ROOT = Path(__file__).resolve().parents[2]
PICTURES = ROOT / "feedback_app" / "static" / "pictures"


def test_faces_are_at_least_44_px() -> None:
    scss = (ROOT / "feedback_app" / "static" / "src" / "_product.scss").read_text()
    block = re.search(r"\.app-face \{(.*?)\}", scss, re.S)
    assert block is not None
    sizes = [int(n) for n in re.findall(r"(?:inline|block)-size: (\d+)px", block.group(1))]
    assert len(sizes) == 2 and min(sizes) >= 44


def test_very_happy_and_happy_are_drawn_differently() -> None:
    def eyes(name: str) -> bool:
        return '<circle cx="23"' in (PICTURES / f"face_{name}.svg").read_text()

    # "Very happy" has smiling (closed) eyes and an open mouth, "happy" round eyes.
    assert eyes("happy") and not eyes("very_happy")
    very_sad = (PICTURES / "face_very_sad.svg").read_text()
    assert "#1d70b8" in very_sad  # a tear, which "sad" has not
    assert "#1d70b8" not in (PICTURES / "face_sad.svg").read_text()


def test_one_face_scale_length_per_survey() -> None:
    young = bundled_questionnaires()["young_people"]
    text = dump_questionnaire(young).replace("points: 5", "points: 3", 1)
    try:
        parse_questionnaire(text)
    except QuestionnaireError as error:
        assert any("same number of faces" in p.message for p in error.problems)
    else:
        raise AssertionError("a survey mixing 3 and 5 faces was accepted")


def test_the_start_page_says_how_long_once() -> None:
    # The start page says "It takes about 5 minutes."; the description must not too.
    assert "minute" not in bundled_questionnaires()["young_people"].description
