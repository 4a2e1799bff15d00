"""Sentiment of free text as a distribution (TextBlob polarity), English comments only.

Sentiment is a weak signal: it is never shown per comment, only as the share of
comments in each band, and only for comments that look English.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

#: Polarity in (-0.05, 0.05) is neutral.
NEUTRAL_BAND: Final[float] = 0.05
METHOD = (
    "TextBlob (PatternAnalyzer) polarity, English comments only (detected by common English "
    f"words); negative below -{NEUTRAL_BAND}, positive above {NEUTRAL_BAND}, neutral between; "
    "shown only as a distribution"
)

_ENGLISH_WORDS = frozenset(
    {
        "the",
        "and",
        "to",
        "of",
        "a",
        "in",
        "is",
        "it",
        "was",
        "for",
        "that",
        "with",
        "on",
        "we",
        "my",
        "our",
        "not",
        "no",
        "have",
        "has",
        "had",
        "be",
        "are",
        "they",
        "he",
        "she",
        "you",
        "i",
        "me",
        "us",
        "at",
        "by",
        "this",
        "from",
        "but",
        "or",
        "as",
        "so",
        "very",
        "been",
        "were",
        "would",
        "could",
        "should",
        "there",
        "their",
        "them",
        "about",
        "what",
        "when",
        "who",
        "why",
        "how",
        "all",
        "any",
        "can",
        "will",
        "just",
        "get",
        "got",
        "than",
        "too",
    }
)
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


@dataclass(frozen=True, slots=True)
class SentimentDistribution:
    """Counts and percentages (0-100) of English comments by sentiment band in one wave."""

    wave: str
    comments: int
    english: int
    negative: int
    neutral: int
    positive: int
    negative_percent: float | None
    neutral_percent: float | None
    positive_percent: float | None


def looks_english(text: str) -> bool:
    """True when a comment uses common English words (a heuristic, not a language model).

    Examples
    --------
    >>> looks_english("Nobody listens to us."), looks_english("Información insuficiente.")
    (True, False)
    """
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return False
    if sum(1 for ch in text if ord(ch) > 127 and ch.isalpha()) > 0.1 * sum(map(len, words)):
        return False
    hits = sum(1 for w in words if w in _ENGLISH_WORDS)
    return hits >= 1 if len(words) <= 6 else hits >= 2


def sentiment_distribution(comments: Iterable[str], *, wave: str) -> SentimentDistribution:
    """Distribution of sentiment bands among the English comments of one wave.

    Examples
    --------
    >>> d = sentiment_distribution(["The support was really good.", "It was awful and slow.",
    ...                             "Información insuficiente."], wave="2024")
    >>> d.english, d.positive, d.negative
    (2, 1, 1)
    """
    from textblob import TextBlob  # on first use: a worker need not load it to start

    texts = [c for c in comments if c.strip()]
    english = [c for c in texts if looks_english(c)]
    cache: dict[str, float] = {}
    bands = [0, 0, 0]
    for text in english:
        if text not in cache:
            cache[text] = float(TextBlob(text).sentiment.polarity)
        polarity = cache[text]
        bands[0 if polarity < -NEUTRAL_BAND else 2 if polarity > NEUTRAL_BAND else 1] += 1
    n = len(english)
    percents = [b / n * 100.0 if n else None for b in bands]
    return SentimentDistribution(wave, len(texts), n, *bands, *percents)
