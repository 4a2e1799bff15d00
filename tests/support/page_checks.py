"""Checks every rendered page must pass (architecture.md, style rule 9).

One ``<h1>``, a non-empty ``<title>``, ``lang`` and ``dir`` on ``<html>``, unique ids,
every form control labelled, every radio/checkbox group in a fieldset with a
legend, and on error pages a title starting "Error:" with summary links that
point at real inputs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

LABELLED_BY_TYPE_EXEMPT = {"hidden", "submit", "button", "image", "reset"}


@dataclass
class _Element:
    tag: str
    attrs: dict[str, str]
    fieldset_legends: list[str] = field(default_factory=list)


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.h1 = 0
        self.title = ""
        self.in_title = False
        self.html_attrs: dict[str, str] = {}
        self.ids: list[str] = []
        self.label_fors: set[str] = set()
        self.controls: list[dict[str, str]] = []
        self.fieldset_depth = 0
        self.legend_text: list[str] = []
        self.in_legend = False
        self.grouped_controls_outside_fieldset: list[str] = []
        self.summary_links: list[str] = []
        #: Depth of open <div>s inside the error summary (0: not inside one).
        self.in_error_summary = 0

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if tag == "html":
            self.html_attrs = attrs
        if tag == "h1":
            self.h1 += 1
        if tag == "title":
            self.in_title = True
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "label" and "for" in attrs:
            self.label_fors.add(attrs["for"])
        if tag == "fieldset":
            self.fieldset_depth += 1
        if tag == "legend":
            self.in_legend = True
            self.legend_text.append("")
        if tag in {"input", "select", "textarea"}:
            self.controls.append(attrs)
            if attrs.get("type") in {"radio", "checkbox"} and self.fieldset_depth == 0:
                self.grouped_controls_outside_fieldset.append(attrs.get("name", "?"))
        if tag == "div" and self.in_error_summary:
            self.in_error_summary += 1
        elif tag == "div" and "govuk-error-summary" in attrs.get("class", "").split():
            self.in_error_summary = 1
        if tag == "a" and self.in_error_summary:
            self.summary_links.append(attrs.get("href", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag == "fieldset":
            self.fieldset_depth -= 1
        if tag == "legend":
            self.in_legend = False
        if tag == "div" and self.in_error_summary:
            self.in_error_summary -= 1

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data
        if self.in_legend and self.legend_text:
            self.legend_text[-1] += data


def page_problems(html: str, *, expect_error: bool | None = None) -> list[str]:
    """Every way ``html`` breaks the page rules (empty when it passes)."""
    parser = _PageParser()
    parser.feed(html)
    problems = []
    if parser.h1 != 1:
        problems.append(f"expected one <h1>, found {parser.h1}")
    title = " ".join(parser.title.split())
    if not title:
        problems.append("empty <title>")
    if not parser.html_attrs.get("lang"):
        problems.append("<html> has no lang")
    if parser.html_attrs.get("dir") not in {"ltr", "rtl"}:
        problems.append("<html> has no dir")
    duplicates = [i for i, n in Counter(parser.ids).items() if n > 1]
    if duplicates:
        problems.append(f"duplicate ids: {duplicates}")
    for control in parser.controls:
        if control.get("type") in LABELLED_BY_TYPE_EXEMPT:
            continue
        labelled = (
            control.get("id") in parser.label_fors
            or control.get("aria-label")
            or control.get("aria-labelledby")
        )
        if not labelled:
            problems.append(f"unlabelled control: {control}")
    if parser.grouped_controls_outside_fieldset:
        problems.append(
            f"radios/checkboxes outside a fieldset: {parser.grouped_controls_outside_fieldset}"
        )
    if any(not text.strip() for text in parser.legend_text):
        problems.append("empty <legend>")
    has_summary = bool(parser.summary_links)
    if has_summary:
        if not title.startswith("Error:"):
            problems.append(f"error page title does not start with 'Error:': {title!r}")
        ids = set(parser.ids)
        for href in parser.summary_links:
            if not href.startswith("#") or href[1:] not in ids:
                problems.append(f"error summary link {href!r} does not point at an element")
    if expect_error is True and not has_summary:
        problems.append("expected an error summary")
    if expect_error is False and has_summary:
        problems.append("unexpected error summary")
    return problems
