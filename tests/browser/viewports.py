"""Screen sizes the browser tests use."""

from __future__ import annotations

from playwright.sync_api import ViewportSize

#: A common phone, 390×844 CSS pixels: the respondent journeys are tested on it.
PHONE: ViewportSize = {"width": 390, "height": 844}
