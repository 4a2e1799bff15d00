"""Revision summaries in words: a question is named by its wording, never its id.

The summary of each saved change ("added question …") is shown on the review and
version pages to people who never see question ids (issue 14: "added question
has_your_family_used…" told an officer nothing).
"""

from __future__ import annotations

from surveys import Questionnaire

#: Longest question wording quoted in a summary (the summary column holds 500).
QUOTED = 80


def question_words(questionnaire: Questionnaire, question_id: str) -> str:
    """A question as a summary names it: its wording in quotes, cut to ``QUOTED``."""
    question = questionnaire.question(question_id)
    if question is None:
        return question_id
    text = " ".join(str(question.text).split())
    if len(text) > QUOTED:
        text = text[: QUOTED - 1].rstrip() + "…"
    return f"“{text}”"
