"""Errors whose message is an English message id, translated where it is shown.

Code that must not translate (``surveys``, or a service without a request) raises a
:class:`MessageError` with a message marked ``N_`` and its parameters; the page
that shows it translates ``message`` and fills in ``params``
(``gettext(error.message, **error.params)``). ``str(error)`` is the English text.
"""

from __future__ import annotations

from typing import Any


class MessageError(ValueError):
    """``message`` is an English message id; ``params`` fill in its placeholders."""

    def __init__(self, message: str, **params: Any) -> None:
        self.message = message
        self.params: dict[str, Any] = params
        super().__init__(message % params if params else message)
