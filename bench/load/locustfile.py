"""Simulated respondents for locust: complete the parent survey like a person would.

Run by bench/load/run_all.py (which starts gunicorn and checks the database);
by hand: ``LOAD_OUT=bench/out/load/manual .venv/bin/locust -f bench/load/locustfile.py
--headless -u 100 -r 20 -t 60s -H http://127.0.0.1:8000 Respondent``.

User classes:

- ``Respondent``: opens the survey's start page (and its two assets, as a fresh
  browser would), starts, asks for a resume code after the first page, then
  reads and answers every page the server routes it to, pausing 1-3 s on each
  page (``wait_time``), checks and sends. Forms are filled from the page itself
  (radios, checkboxes, text areas; every hidden field sent back as a browser
  would, text inputs such as a honeypot left empty), with the page's CSRF token.
  When a request fails (a worker killed mid-request, say), the respondent
  carries on: every other one retries the page in the same browser, the others
  open a fresh browser and resume with their code.
- ``SaveHammer`` / ``HelloHammer``: no pauses, for saturation throughput of the
  answer-save POST and of a bare Flask "hello world" (bench/load/hello.py).

Each process writes what it saw to ``$LOAD_OUT`` when the test stops: every
request (kind, start time, milliseconds, success) and every answer the server
acknowledged (a redirect after the POST) as (response id, question id, value).
The response id is read from the session cookie the server sets.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import random
import re
import time
import zlib
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from locust import FastHttpUser, between, constant, events, task
from locust.contrib.fasthttp import FastHttpSession

SLUG = os.environ.get("LOAD_SLUG", "demo-parent-annual")
SESSION_COOKIE = "feedback_session"
#: The page whose save the saturation test repeats (on path for every respondent).
HAMMER_PAGE = "trust_confidence"
#: Responses each SaveHammer user cycles over. Enough that none reaches the
#: per-response save limit (60 a minute) at 450+ saves/s: with 16 at 16 users,
#: runs above about 400 saves/s ended in 429s that were counted as errors.
HAMMER_SESSIONS = int(os.environ.get("LOAD_HAMMER_SESSIONS", "48"))
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
COMMENTS = [
    "The new key worker has made a real difference to our week.",
    "Waiting for the assessment took far too long and nobody explained why.",
    "School listens now and the transport works.",
    "More short breaks in the holidays, please.",
    "Communication is better than last year but letters still arrive late.",
]
RESUME_CODE = re.compile(r'id="resume-code">([A-Z0-9 ]+)<')
ASSETS = re.compile(r'(?:href|src)="(/static/dist/[^"]+)"')

SAMPLES: list[tuple[str, float, float, bool]] = []
ACKNOWLEDGED: list[tuple[int, str, Any]] = []
JOURNEYS = {"completed": 0, "failed_requests": 0, "recovered_same_browser": 0}
JOURNEYS |= {"recovered_by_resume_code": 0, "abandoned": 0}


@events.request.add_listener
def _record(
    name: str, response_time: float, exception: BaseException | None, **kwargs: Any
) -> None:
    started = kwargs.get("start_time") or time.time() - response_time / 1000
    SAMPLES.append((name, started, response_time, exception is None))


@events.test_stop.add_listener
def _write(**_kwargs: Any) -> None:
    out = os.environ.get("LOAD_OUT")
    if not out:
        return
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {"samples": SAMPLES, "acknowledged": ACKNOWLEDGED, "journeys": JOURNEYS},
            separators=(",", ":"),
        )
    )


class PageForm(HTMLParser):
    """The inputs of a question page's form, as a browser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden: dict[str, str] = {}
        self.radios: dict[str, list[str]] = {}
        self.checkboxes: dict[str, list[str]] = {}
        self.textareas: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "textarea" and name:
            self.textareas.append(name)
        if tag != "input" or not name:
            return
        kind = a.get("type", "text")
        if kind == "hidden":
            self.hidden[name] = a.get("value", "")
        elif kind == "radio":
            self.radios.setdefault(name, []).append(a.get("value", ""))
        elif kind == "checkbox" and a.get("data-behaviour") != "exclusive":
            self.checkboxes.setdefault(name, []).append(a.get("value", ""))

    def answers(self) -> dict[str, Any]:
        """A person's answers: one option per radio group, 1-2 boxes, a comment."""
        chosen: dict[str, Any] = {n: random.choice(v) for n, v in self.radios.items()}
        for name, values in self.checkboxes.items():
            chosen[name] = random.sample(values, k=min(len(values), random.randint(1, 2)))
        for name in self.textareas:
            chosen[name] = random.choice(COMMENTS)
        return chosen


def parse_form(html: str) -> PageForm:
    form = PageForm()
    form.feed(html)
    return form


def csrf_token(html: str) -> str:
    return parse_form(html).hidden.get("csrf_token", "")


def response_id_from(cookie_value: str) -> int | None:
    """The response id the server put in the (signed, not encrypted) session cookie."""
    compressed = cookie_value.startswith(".")
    payload = cookie_value.lstrip(".").split(".", 1)[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    data = json.loads(zlib.decompress(raw) if compressed else raw)
    value = data.get("responses", {}).get(SLUG)
    return value if isinstance(value, int) else None


class JourneyFailed(Exception):
    """A request did not give what a browser would expect."""


#: What a failed request looks like to a respondent (locust's own control-flow
#: exceptions, such as a user being stopped, must pass through).
RETRYABLE = (JourneyFailed, KeyError, ValueError)


class Respondent(FastHttpUser):
    """A parent completing the survey on a phone, pausing 1-3 s on each page."""

    wait_time = between(1, 3)
    recoveries = itertools.count()

    def _get(self, url: str, name: str = "page view") -> tuple[str, str]:
        with self.client.get(url, name=name, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}")
                raise JourneyFailed(url)
            return r.text or "", r.url or url

    def _post(self, url: str, data: dict[str, Any], name: str) -> str:
        body = urlencode(data, doseq=True)
        with self.client.post(
            url, data=body, headers=FORM, name=name, allow_redirects=False, catch_response=True
        ) as r:
            if r.status_code != 302:
                r.failure(f"{r.status_code}")
                raise JourneyFailed(url)
            return str(r.headers["Location"])

    def _response_id(self) -> int | None:
        for cookie in self.client.cookiejar:
            if cookie.name == SESSION_COOKIE and cookie.value:
                return response_id_from(cookie.value)
        return None

    @task
    def complete_survey(self) -> None:
        self.client.cookiejar.clear()  # a new respondent, a new browser
        self.code: str | None = None
        failed = False
        for _attempt in range(4):
            try:
                self._journey()
            except RETRYABLE:
                failed = True
                JOURNEYS["failed_requests"] += 1
                time.sleep(1)
                if not self._recover():
                    continue
                JOURNEYS["completed"] += 1
                return
            JOURNEYS["completed"] += 1
            return
        JOURNEYS["abandoned"] += int(failed)

    def _journey(self) -> None:
        html, _url = self._get(f"/s/{SLUG}")
        for asset in ASSETS.findall(html):
            self.client.get(asset, name="asset")
        self.wait()
        location = self._post(f"/s/{SLUG}/start", {"csrf_token": csrf_token(html)}, "start")
        self._answer_from(location)

    def _answer_from(self, location: str) -> None:
        response_id = self._response_id()
        if response_id is None:
            raise JourneyFailed("no response id in the session")
        while "/q/" in location:
            html, _url = self._get(location)
            form = parse_form(html)
            answers = form.answers()
            self.wait()
            next_location = self._post(location, {**form.hidden, **answers}, "answer save")
            for question_id, value in answers.items():
                ACKNOWLEDGED.append((response_id, question_id, value))
            if self.code is None:
                self._ask_for_resume_code()
            location = next_location
        html, _url = self._get(f"/s/{SLUG}/check")
        self.wait()
        done = self._post(f"/s/{SLUG}/check", {"csrf_token": csrf_token(html)}, "submit")
        self._get(done)

    def _ask_for_resume_code(self) -> None:
        html, _url = self._get(f"/s/{SLUG}/save")
        body = urlencode({"csrf_token": csrf_token(html)})
        with self.client.post(
            f"/s/{SLUG}/save", data=body, headers=FORM, name="resume code", catch_response=True
        ) as r:
            found = RESUME_CODE.search(r.text or "")
            if r.status_code != 200 or not found:
                r.failure(f"{r.status_code}")
                raise JourneyFailed("no resume code")
            self.code = found.group(1)

    def _recover(self) -> bool:
        """Carry on after a failed request, as a person would: retry, or resume.

        Counted as recovered once the server has taken them back to where they
        were (their first unanswered page, or "check your answers").
        """
        by_code = self.code is not None and next(self.recoveries) % 2 == 0
        try:
            if by_code:
                self.client.cookiejar.clear()  # another device
                html, _url = self._get(f"/s/{SLUG}/resume", name="resume")
                location = self._post(
                    f"/s/{SLUG}/resume",
                    {"csrf_token": csrf_token(html), "code": self.code},
                    "resume",
                )
            else:
                # Reload in the same browser: the server sends them to the first
                # unanswered page (or the start page if nothing was started).
                location = self._where_am_i()
                if location is None:
                    return False  # never started: the next attempt starts afresh
            JOURNEYS["recovered_by_resume_code" if by_code else "recovered_same_browser"] += 1
            if location.endswith("/done"):
                return True
            self._answer_from(location)
        except RETRYABLE:
            return False
        return True

    def _where_am_i(self) -> str | None:
        with self.client.get(
            f"/s/{SLUG}/check", name="page view", allow_redirects=False, catch_response=True
        ) as r:
            if r.status_code == 200:
                return f"/s/{SLUG}/check"
            target = str(r.headers.get("Location", "")) if r.status_code == 302 else ""
            if "/q/" in target or target.endswith("/done"):
                return target
            if r.status_code != 302:
                r.failure(f"{r.status_code}")
                raise JourneyFailed("reload failed")
            return None


class SaveHammer(FastHttpUser):
    """Saves one page over and over, spread over many responses, without pausing.

    Each user holds ``HAMMER_SESSIONS`` browsers (cookie jars) with a response
    each, so no response comes near the per-response save limit.
    """

    wait_time = constant(0)

    def on_start(self) -> None:
        self.browsers: list[tuple[FastHttpSession, str]] = []
        for _ in range(HAMMER_SESSIONS):
            browser = FastHttpSession(self.host, self.environment.events.request, self)
            html = browser.get(f"/s/{SLUG}", name="setup").text or ""
            browser.post(
                f"/s/{SLUG}/start",
                data=urlencode({"csrf_token": csrf_token(html)}),
                headers=FORM,
                name="setup",
            )
            page = browser.get(f"/s/{SLUG}/q/{HAMMER_PAGE}", name="setup").text or ""
            self.browsers.append((browser, csrf_token(page)))
        self.turn = itertools.cycle(self.browsers)

    @task
    def save(self) -> None:
        browser, token = next(self.turn)
        body = urlencode({"csrf_token": token, HAMMER_PAGE: random.choice(["agree", "disagree"])})
        with browser.post(
            f"/s/{SLUG}/q/{HAMMER_PAGE}",
            data=body,
            headers=FORM,
            name="saturation save",
            allow_redirects=False,
            catch_response=True,
        ) as r:
            if r.status_code != 302:
                r.failure(f"{r.status_code}")


class HelloHammer(FastHttpUser):
    """A bare Flask "hello world", as fast as it will go."""

    wait_time = constant(0)

    @task
    def hello(self) -> None:
        self.client.get("/", name="saturation hello")
