"""Light on a phone: what the first question page costs over the wire, measured in Chromium.

Budget (README.md, "Light on a phone"): the first question page loaded with an empty
cache is at most 50 KB transferred in total (compression on) in at most 6
requests, all from our own origin, no web fonts; a later page loads only its
HTML (the assets come from the cache: versioned URLs, ``immutable``).

Bytes are Chromium's own count, the DevTools protocol's ``encodedDataLength``
(headers and compressed body, as received), for every request from the navigation
to the ``load`` event. The start page is measured the same way, since it is the
first page a respondent opens from a link or QR code. Every bundled questionnaire
in English, Urdu and Bengali; the figures are printed (``pytest -s``) and written to
``tests/browser/out/page-weight.txt`` (not committed).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, CDPSession, Page, ViewportSize

from surveys import AnswerValue
from surveys.library import bundled_questionnaires
from tests.browser.harness import LiveServer
from tests.browser.respondent import answer_page_by_code, current_page_id, press_main_button

pytestmark = pytest.mark.browser

BUDGET_BYTES = 50_000  # 50 KB, counted in thousands to be strict
BUDGET_REQUESTS = 6
FONT = re.compile(r"\.(woff2?|ttf|otf|eot)(\?|$)", re.IGNORECASE)
OUT = Path(__file__).parent / "out" / "page-weight.txt"
PHONE: ViewportSize = {"width": 390, "height": 844}
#: English, and the languages whose text weighs most once translated: Urdu (Arabic
#: script, right to left) and Bengali (three bytes a letter in UTF-8). The assets
#: are the same in every language; only the HTML differs.
WEIGHED_LANGUAGES = ("en", "ur", "bn")


@dataclass
class Load:
    """The requests of one page load, as Chromium saw them."""

    name: str
    requests: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def network(self) -> list[dict[str, Any]]:
        """Requests that went over the network (not served from the cache)."""
        return [r for r in self.requests.values() if not r["cached"]]

    @property
    def transferred(self) -> int:
        return sum(int(r["bytes"]) for r in self.network)

    def summary(self) -> str:
        parts = ", ".join(
            f"{r['url'].split('/')[-1] or '/'} {r['bytes']} B {r['encoding'] or 'identity'}"
            for r in self.network
        )
        return f"{self.name}: {self.transferred} bytes in {len(self.network)} request(s) [{parts}]"


def _record(cdp: CDPSession) -> Callable[[str], Load]:
    """Start recording; returns ``begin(name)``, which starts a new Load."""
    current: list[Load] = []

    def entry(request_id: str) -> dict[str, Any] | None:
        return current[-1].requests.get(request_id) if current else None

    def sent(event: dict[str, Any]) -> None:
        if not current:
            return
        current[-1].requests[event["requestId"]] = {
            "url": event["request"]["url"],
            "type": event.get("type"),
            "bytes": 0,
            "cached": False,
            "encoding": None,
        }

    def received(event: dict[str, Any]) -> None:
        found = entry(event["requestId"])
        if found is None:
            return
        response = event["response"]
        headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
        found["encoding"] = headers.get("content-encoding")
        found["type"] = event.get("type", found["type"])
        if response.get("fromDiskCache") or response.get("fromPrefetchCache"):
            found["cached"] = True

    def from_cache(event: dict[str, Any]) -> None:
        found = entry(event["requestId"])
        if found is not None:
            found["cached"] = True

    def finished(event: dict[str, Any]) -> None:
        found = entry(event["requestId"])
        if found is not None:
            found["bytes"] = int(event["encodedDataLength"])

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.responseReceived", received)
    cdp.on("Network.requestServedFromCache", from_cache)
    cdp.on("Network.loadingFinished", finished)
    cdp.send("Network.enable")

    def begin(name: str) -> Load:
        current.append(Load(name))
        return current[-1]

    return begin


def _context(
    chromium: Browser, live_server: LiveServer, lang: str, state: Any = None
) -> BrowserContext:
    # A fresh context has an empty cache. The language comes from Accept-Language.
    context = chromium.new_context(
        base_url=live_server.url, viewport=PHONE, locale=lang, storage_state=state
    )
    context.set_default_timeout(10_000)
    return context


def _budget_problems(load: Load, origin: str) -> list[str]:
    problems = []
    if load.transferred > BUDGET_BYTES:
        problems.append(f"{load.name}: {load.transferred} bytes > {BUDGET_BYTES}")
    if len(load.network) > BUDGET_REQUESTS:
        problems.append(f"{load.name}: {len(load.network)} requests > {BUDGET_REQUESTS}")
    for request in load.requests.values():
        url = request["url"]
        if not (url.startswith(origin) or url.startswith("data:")):
            problems.append(f"{load.name}: third-party request {url}")
        if request["type"] == "Font" or FONT.search(url):
            problems.append(f"{load.name}: web font {url}")
        if (
            request["type"] in ("Document", "Stylesheet", "Script")
            and not request["cached"]
            and request["encoding"] not in ("gzip", "br", "zstd", "deflate")
        ):
            problems.append(f"{load.name}: {url} sent uncompressed")
    return problems


def _measure(
    chromium: Browser, live_server: LiveServer, questionnaire_id: str, lang: str
) -> tuple[list[Load], list[str]]:
    slug = live_server.slugs[questionnaire_id]
    questionnaire = live_server.questionnaire(slug)
    name = f"{questionnaire_id} {lang}"
    origin = live_server.url

    # 1. The start page, cold; then start, which makes the session cookie.
    first = _context(chromium, live_server, lang)
    page: Page = first.new_page()
    begin = _record(first.new_cdp_session(page))
    start = begin(f"{name} start page, cold")
    page.goto(f"/s/{slug}", wait_until="load")
    begin("(start)")
    press_main_button(page, f'main form[action$="/s/{slug}/start"]')
    first_url = page.url
    assert current_page_id(page) == questionnaire.first_page, first_url
    respondent = first.storage_state()  # the session cookie
    first.close()

    # 2. The first question page with an empty cache, the same respondent.
    cold = _context(chromium, live_server, lang, respondent)
    page = cold.new_page()
    begin = _record(cold.new_cdp_session(page))
    question = begin(f"{name} first question page, cold")
    page.goto(first_url, wait_until="load")
    html_lang = page.locator("html").get_attribute("lang")

    # 3. The next page: only its HTML over the network (POST, redirect, GET).
    survey_page = questionnaire.page(questionnaire.first_page)
    assert survey_page is not None
    answers: dict[str, AnswerValue] = {
        q.id: q.options[0].code for q in survey_page.questions if q.is_closed and not q.optional
    }
    answer_page_by_code(page, survey_page, answers)
    later = begin(f"{name} next page, warm")
    press_main_button(page)
    page.wait_for_load_state("load")
    cold.close()

    problems = _budget_problems(start, origin) + _budget_problems(question, origin)
    if html_lang != lang:  # a wave offers only its fully translated languages
        question.name += f" (served in {html_lang}: {lang} not offered on this wave)"
    for request in later.network:
        if request["type"] != "Document":
            problems.append(f"{later.name}: {request['url']} fetched again, not from the cache")
    return [start, question, later], problems


def test_the_first_question_page_is_light_on_a_phone(
    chromium: Browser, live_server: LiveServer
) -> None:
    lines: list[str] = []
    problems: list[str] = []
    worst: dict[str, tuple[int, int, str]] = {}
    for questionnaire_id in bundled_questionnaires():
        for lang in WEIGHED_LANGUAGES:
            loads, found = _measure(chromium, live_server, questionnaire_id, lang)
            problems += found
            lines += [load.summary() for load in loads]
            for kind, load in zip(("start", "question", "later"), loads, strict=True):
                size = (load.transferred, len(load.network), load.name)
                worst[kind] = max(worst.get(kind, size), size)
    header = [
        f"Budget: first question page <= {BUDGET_BYTES} bytes, <= {BUDGET_REQUESTS} requests",
        *(
            f"Largest {kind}: {size} bytes in {count} request(s) ({name})"
            for kind, (size, count, name) in worst.items()
        ),
        "",
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(header + lines) + "\n", encoding="utf-8")
    print("\n" + "\n".join(header))
    assert not problems, "\n".join(problems)
