"""Compare and Trend start from choices that lead somewhere; a reversed pair is refused."""

from __future__ import annotations

import re
from html import unescape

from flask import Flask

from tests.feedback_app.results.test_web_results_compare import BASE, _setup
from tests.support.staff import signed_in


def _selected(html: str, name: str) -> str:
    select = html.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]
    found = re.search(r'<option value="(\d+)" selected', select)
    assert found is not None, name
    return found.group(1)


def test_defaults_and_a_reversed_pair(app: Flask, demo: dict[str, str]) -> None:
    waves = _setup(app, demo)
    browser = signed_in(app.test_client(), "officer@demo.example")

    # The newest wave (the event survey, one response) is not offered as the default.
    html = browser.get(f"{BASE}/compare").get_data(as_text=True)
    assert _selected(html, "baseline") == str(waves["follow_up"])
    assert _selected(html, "follow_up") == str(waves["repeat"])

    # A newer baseline against an older follow-up is refused in plain words.
    reversed_pair = browser.get(
        f"{BASE}/compare?baseline={waves['repeat']}&follow_up={waves['baseline']}"
    )
    assert reversed_pair.status_code == 400
    text = unescape(reversed_pair.get_data(as_text=True))
    assert "Choose the earlier wave as the baseline and the later one as the follow-up" in text

    # Trend ticks only the waves that share a KPI question, not the event survey.
    trend = browser.get(f"{BASE}/trend").get_data(as_text=True)
    ticked = set(re.findall(r'value="(\d+)" checked', trend))
    assert ticked == {str(waves["baseline"]), str(waves["follow_up"]), str(waves["repeat"])}
