"""Marking English message ids for translation without importing a translation library.

``surveys`` must stay free of Flask and Babel at run time, yet its messages (answer
errors, labels) must be found by ``pybabel extract``. ``N_`` marks a string for
extraction and returns it unchanged; the web layer translates it when it shows it.
Configure Babel with ``-k N_`` (or ``keywords = N_`` in babel.cfg).

``S_`` marks staff-facing text (designer and review names, paper instructions):
only the staff catalog (messages.pot) extracts it, because staff pages are in
English and respondents never see it.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark ``message`` for extraction; return it untranslated."""
    return message


def S_(message: str) -> str:
    """Mark staff-facing ``message`` for the staff catalog; return it untranslated."""
    return message
