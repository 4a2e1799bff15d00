"""GOV.UK form fields that more than one feature uses.

A field that one feature's form needs stays in that feature's ``forms.py``; one
that two features borrow lives here, so neither imports the other's forms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovRadioInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import EmailField, Field, PasswordField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, StopValidation

from feedback_app.web.choices import select_choices

#: A WTForms validator: called with the form and the field, raises to refuse.
Validator = Callable[[Any, Any], None]


def strip_spaces(value: Any) -> Any:
    """A field filter: leading and trailing spaces off typed text."""
    return value.strip() if isinstance(value, str) else value


def _text_field(field: type[Field], widget: Any, label: Any, *, strip: bool, **limits: Any) -> Any:
    required = limits.get("required")
    validators: list[Validator] = [] if required is None else [required]
    if limits.get("optional"):
        validators.append(Optional())
    validators.append(Length(max=limits["max_length"], message=limits.get("too_long")))
    options: dict[str, Any] = {"validators": validators}
    if limits.get("description") is not None:
        options["description"] = limits["description"]
    if strip:
        options["filters"] = [strip_spaces]
    return field(label, widget=widget, **options)


def text_area(
    label: Any,
    *,
    max_length: int,
    too_long: Any = None,
    required: Validator | None = None,
    description: Any = None,
    strip: bool = True,
) -> Any:
    """A GOV.UK text area of at most ``max_length`` characters (``too_long`` is the
    message, WTForms' own without one). ``required`` is the validator that refuses
    it blank (``InputRequired(message)`` or ``DataRequired(message)``), none when it
    may be left blank; typed spaces round the text are stripped unless ``strip`` is
    False."""
    limits = {"max_length": max_length, "too_long": too_long, "required": required}
    return _text_field(
        TextAreaField, GovTextArea(), label, strip=strip, description=description, **limits
    )


def text_input(
    label: Any, *, strip: bool = False, field: type[Field] = StringField, **limits: Any
) -> Any:
    """A GOV.UK one-line text input with ``text_area``'s keywords (``max_length``,
    ``too_long``, ``required``, ``description``); spaces kept unless ``strip``.
    ``optional=True`` instead of ``required``: a blank one skips its other checks
    (WTForms' ``Optional``). ``field`` is a ``StringField`` or a subclass of it."""
    return _text_field(field, GovTextInput(), label, strip=strip, **limits)


def email_input(label: Any, **limits: Any) -> Any:
    """A GOV.UK input for an e-mail address, with ``text_input``'s keywords."""
    return text_input(label, field=EmailField, **limits)


def password_input(label: Any, **limits: Any) -> Any:
    """A GOV.UK password input, with ``text_input``'s keywords; kept exactly as typed."""
    return _text_field(PasswordField, GovPasswordInput(), label, strip=False, **limits)


def radios(
    label: Any,
    choices: Iterable[tuple[str, Any]],
    *,
    required: Validator | None = None,
    optional: bool = False,
    **options: Any,
) -> Any:
    """GOV.UK radios offering ``choices`` (value and label pairs). ``required`` is the
    validator that refuses no choice; ``optional=True`` lets none be chosen; other
    keywords (``default``) go to the field."""
    validators: list[Validator] = [] if required is None else [required]
    if optional:
        validators.append(Optional())
    return RadioField(
        label,
        widget=GovRadioInput(),
        choices=select_choices(choices),
        validators=validators,
        **options,
    )


def wave_name(description: Any = None) -> Any:
    """The name of a wave (scheduling, changing or importing one): required, at most
    200 characters."""
    return text_input(
        _l("Name of the wave"),
        description=description,
        required=InputRequired(_l("Enter a name for the wave")),
        max_length=200,
    )


class DatePartsField(Field):
    """A date posted as ``<name>-day``, ``<name>-month`` and ``<name>-year``.

    ``data`` is a ``datetime.date`` or None (left blank). A blank date is refused
    with ``blank_message`` when one is given (the date is required), and a date
    that does not exist with ``invalid_message``; the form's own ``validate_<name>``
    runs only on a real date (for rules such as "within the next year").
    """

    data: dt.date | None

    def __init__(
        self,
        label: Any = None,
        *,
        blank_message: Any = None,
        invalid_message: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(label, **kwargs)
        self.blank_message = blank_message
        self.invalid_message = invalid_message or _l("Enter a real date")

    def pre_validate(self, form: Any) -> None:
        if self.blank and self.blank_message is not None:
            raise StopValidation(self.blank_message)
        if not self.valid:
            raise StopValidation(self.invalid_message)

    def process(self, formdata: Any, data: Any = None, extra_filters: Any = None) -> None:
        super().process(formdata, data, extra_filters)
        self.day = self.month = self.year = ""
        self.blank = True
        self.valid = True
        if formdata is None:
            # A form filled in from stored data (changing a wave) shows that date.
            if isinstance(self.data, dt.date):
                self.day, self.month, self.year = (
                    str(self.data.day),
                    str(self.data.month),
                    str(self.data.year),
                )
                self.blank = False
            return
        self.day = formdata.get(f"{self.name}-day", "").strip()[:10]
        self.month = formdata.get(f"{self.name}-month", "").strip()[:10]
        self.year = formdata.get(f"{self.name}-year", "").strip()[:10]
        self.blank = not (self.day or self.month or self.year)
        self.data = None
        if self.blank:
            return
        try:
            year = int(self.year)
            if not 2000 <= year <= 2100:
                raise ValueError(year)
            self.data = dt.date(year, int(self.month), int(self.day))
        except ValueError:
            self.valid = False

    def _value(self) -> str:
        return ""
