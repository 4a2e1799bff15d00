"""Cross-site scripting: what people type comes out escaped everywhere.

Payloads go into every free-text answer of every demo wave, into every text of a
published questionnaire and its draft (titles, question text, hints, options),
and into staff text (area and wave names, comments, actions, commentary,
invitation labels, paper references). Then every staff page is crawled as an
administrator: every GET route in the URL map (with real ids) and every link
found under /staff/<area>/, so new pages and downloads are covered when they
appear. Pages must hold no live payload (no script, handler or javascript: URL
made from it; ``{{7*7}}`` not evaluated); downloads (any link with a ``download``
attribute or ending .csv/.xlsx/.pdf) must neutralise formulas.
"""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select

from feedback_app import db
from feedback_app.definitions import questionnaire_for
from feedback_app.models import (
    AreaAction,
    DraftComment,
    InvitationBatch,
    KpiCommentary,
    LocalArea,
    PaperReturn,
    Wave,
)
from tests.support.data_protection_rows import add_response
from tests.support.questionnaires import plant_text
from tests.support.route_values import build_url, demo_route_values, find_forms
from tests.support.staff import signed_in

MARK = "xssmark"
PAYLOADS = [
    f"<script>{MARK}()</script>",
    f'"><img src=x onerror={MARK}()>',
    f"'><svg onload={MARK}()>",
    f"javascript:{MARK}()",
    f"{MARK}{{{{7*7}}}}",
    f"</textarea><iframe srcdoc='{MARK}'>",
]
PAYLOAD = " ".join(PAYLOADS)
FORMULAS = [f'=HYPERLINK("http://evil.example/{MARK}")', f"+{MARK}", f"-1+{MARK}", f"@{MARK}"]


def _plant(app: Flask, values: dict[str, Any]) -> None:
    with app.app_context():
        session = db.session()
        area = session.scalar(select(LocalArea).where(LocalArea.slug == "demo"))
        assert area is not None
        wave, version, draft = plant_text(session, values, PAYLOAD, name="Poisoned")
        area.name = f"Area {MARK}{{{{7*7}}}} <b>{MARK}</b>"
        session.flush()
        for each in session.scalars(select(Wave).where(Wave.area_id == area.id)):
            for payload in [PAYLOAD, *FORMULAS]:
                add_response(session, each, at=each.opens_at, free_text=payload)
        session.add_all(
            [
                DraftComment(draft_id=draft.id, revision=1, body=f"Comment {PAYLOAD}"),
                AreaAction(
                    area_id=area.id,
                    you_said=f"Said {PAYLOAD}",
                    we_did=FORMULAS[0],
                    kpi_id="kpi_4_1",
                    action_date=wave.opens_at.date(),
                    published=True,
                ),
                KpiCommentary(area_id=area.id, kpi_id="kpi_4_1", body=f"Comment {PAYLOAD}"),
                InvitationBatch(wave_id=wave.id, label=f"Label {PAYLOAD}", size=1),
                PaperReturn(wave_id=wave.id, reference=f"<b>{MARK}</b>", first_keying={}),
            ]
        )
        session.commit()
        questionnaire_for(version)  # parses


class _LivePayload(HTMLParser):
    """Finds payloads that became markup: a script, handler or URL built from them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._in_script = True
        if tag in {"iframe", "b", "img", "svg"} and any(MARK in (v or "") for _, v in attrs):
            self.problems.append(f"<{tag}> from a payload")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") and MARK in value:
                self.problems.append(f"handler {name}={value!r}")
            if name in {"href", "src", "action", "formaction"} and value.strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"{name}={value!r}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and MARK in data:
            self.problems.append("script from a payload")


def _page_problems(html: str) -> list[str]:
    parser = _LivePayload()
    parser.feed(html)
    problems = parser.problems
    if f"{MARK}49" in html:
        problems.append("template syntax evaluated")
    if re.search(rf"<b>\s*{MARK}", html):
        problems.append("<b> from a payload")
    return problems


def _download_problems(body: bytes, mimetype: str, name: str) -> list[str]:
    cells: list[str] = []
    if mimetype == "text/csv" or name.endswith(".csv"):
        for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))):
            cells.extend(row)
    elif name.endswith(".xlsx") or "spreadsheetml" in mimetype:
        book = load_workbook(io.BytesIO(body))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        return [f"formula in {sheet.title}!{cell.coordinate}"]
                    if isinstance(cell.value, str):
                        cells.append(cell.value)
    return [
        f"formula not neutralised: {cell[:40]!r}"
        for cell in cells
        if MARK in cell and cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    ]


def _is_download(href: str, attrs: dict[str, str]) -> bool:
    return "download" in attrs or urlsplit(href).path.endswith((".csv", ".xlsx", ".pdf"))


def test_payloads_come_out_escaped_on_every_staff_page_and_download(
    app: Flask, demo: dict[str, str]
) -> None:
    values = demo_route_values(app)
    _plant(app, values)
    client = signed_in(app.test_client(), "administrator@demo.example").client
    queue = [
        build_url(rule, values)
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and rule.rule.startswith("/staff/<area_slug>")
    ]
    seen: set[str] = set()
    pages = downloads = shown = 0
    problems: list[str] = []
    while queue and len(seen) < 400:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        body = response.get_data()
        response.close()
        assert response.status_code < 500, f"{url}: {response.status_code}"
        if response.status_code != 200:
            continue
        if response.mimetype == "text/html":
            html = body.decode()
            pages += 1
            shown += MARK in html
            problems += [f"{url}: {p}" for p in _page_problems(html)]
            for href, attrs in find_forms(html, url).links:
                path = href.split("#")[0]
                followed = path.startswith("/staff/demo/") or (
                    _is_download(href, attrs) and path.startswith("/")
                )
                if followed and path not in seen:
                    queue.append(path)
        else:
            downloads += 1
            problems += [f"{url}: {p}" for p in _download_problems(body, response.mimetype, url)]
    print(f"xss: {pages} pages ({shown} showing a payload), {downloads} downloads checked")
    assert problems == [], "\n".join(sorted(set(problems)))
    assert pages >= 20 and shown >= 10, (pages, shown)
