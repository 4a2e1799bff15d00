"""Redacting quotes before anyone sees them: e-mails, phone numbers, postcodes, names.

Names are found only where the wording gives them away (after a title such as "Mrs",
after "my son", "called", "my name is"). A quote can still identify a family: an
officer must read quotes before they are published.
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# UK numbers: +44 or 0, then 9-10 more digits with optional spaces, dots or dashes.
PHONE = re.compile(r"(?<!\w)(?:\+44\s?\(?0?\)?|0)(?:[\s.-]?\d){9,10}(?!\d)")
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
_NAME = r"[A-Z][a-z]+(?:[-'][A-Z][a-z]+)?"
TITLED_NAME = re.compile(r"\b(Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+" + _NAME + r"(?:\s+" + _NAME + r")?")
RELATION_NAME = re.compile(
    r"\b((?:my|our|her|his|their)\s+(?:son|daughter|child|boy|girl|grandson|granddaughter|"
    r"husband|wife|partner|brother|sister|senco|caseworker|case worker|social worker|"
    r"key worker|teacher)),?\s+(" + _NAME + r")\b",
    re.IGNORECASE,
)
INTRODUCED_NAME = re.compile(r"\b(called|named|my name is|I am|I'm|this is)\s+(" + _NAME + r")\b")

METHOD = (
    "quotes redacted: e-mail addresses, UK phone numbers, postcodes, and names after a title, "
    "a relation ('my son') or an introduction ('called', 'my name is')"
)


def redact(text: str) -> str:
    """Replace personal details in a comment with placeholders.

    Examples
    --------
    >>> redact("My son Jacob waited. Email jo.bloggs@example.org or call 07700 900123, PR8 1AB.")
    'My son [name] waited. Email [email] or call [phone], [postcode].'
    >>> redact("Mrs Smith the SENCO was great")
    '[name] the SENCO was great'
    """
    text = EMAIL.sub("[email]", text)
    text = PHONE.sub("[phone]", text)
    text = POSTCODE.sub("[postcode]", text)
    text = TITLED_NAME.sub("[name]", text)
    text = RELATION_NAME.sub(lambda m: f"{m.group(1)} [name]", text)
    text = INTRODUCED_NAME.sub(
        lambda m: f"{m.group(1)} [name]" if m.group(2) not in _NOT_NAMES else m.group(0), text
    )
    return text


_NOT_NAMES = frozenset({"The", "Not", "Very", "So", "Really", "Happy", "Sure", "Unable", "Still"})
