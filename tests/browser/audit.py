"""Accessibility checks of the page a real browser shows (docs/quality-bar.md).

axe-core with the WCAG 2.0/2.1/2.2 A and AA tags, plus checks axe does not make:
no horizontal scroll at 320 px (WCAG 1.4.10 Reflow), also with the WCAG 1.4.12
text-spacing overrides applied, and radio/checkbox inputs at least 44×44 CSS px
to tap (measured on the input, which GOV.UK Frontend makes 44×44).

axe is injected with ``page.evaluate(axe_source)``: Playwright evaluates through the
DevTools protocol, which the page's Content-Security-Policy (``script-src 'self'``,
no inline script) does not apply to. So the pages are audited exactly as served,
with their real CSP; ``bypass_csp`` is not used anywhere.
"""

from __future__ import annotations

from playwright.sync_api import Page

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
#: The narrowest phone WCAG reflow asks for, and a desktop.
WIDTHS = (320, 1280)
HEIGHTS = {320: 640, 1280: 800}
MIN_TARGET = 44

_RUN_AXE = """(tags) => axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
})"""

_OVERFLOW = """() => {
    const root = document.documentElement;
    const limit = root.clientWidth;
    const culprits = [];
    for (const el of document.body.querySelectorAll("*")) {
        const box = el.getBoundingClientRect();
        if (box.width === 0) continue;
        const parentBox = el.parentElement.getBoundingClientRect();
        if (box.right > limit + 0.5 && parentBox.right <= limit + 0.5) {
            // The outermost box that sticks out, not all its children.
            culprits.push(`${describe(el)} (right edge ${Math.round(box.right)}px)`);
        } else if (box.right <= limit + 0.5 && box.left + el.scrollWidth > limit + 0.5
                   && el.children.length === 0) {
            // A box that fits, with text spilling out of it.
            const spill = Math.round(box.left + el.scrollWidth);
            culprits.push(`text of ${describe(el)} (to ${spill}px)`);
        }
    }
    function describe(el) {
        const id = el.id ? `#${el.id}` : "";
        const classes = [...el.classList].map((c) => `.${c}`).join("");
        return `${el.tagName.toLowerCase()}${id}${classes}`;
    }
    return {scrollWidth: root.scrollWidth, clientWidth: limit, culprits: culprits.slice(0, 5)};
}"""

_SMALL_TARGETS = """(minimum) => {
    const found = [];
    const inputs = document.querySelectorAll(
        ".govuk-radios__item input, .govuk-checkboxes__item input"
    );
    for (const input of inputs) {
        const item = input.closest(".govuk-radios__item, .govuk-checkboxes__item");
        if (item.getClientRects().length === 0) continue;  // hidden, e.g. a closed reveal
        const box = input.getBoundingClientRect();
        if (box.width < minimum - 0.01 || box.height < minimum - 0.01) {
            found.push(`#${input.id} is ${box.width.toFixed(1)}×${box.height.toFixed(1)}px`);
        }
    }
    return found;
}"""


#: WCAG 1.4.12 Text Spacing: the overrides a reader may apply. Added as a constructed
#: stylesheet, which the page's CSP (no inline style) does not block, then removed.
_TEXT_SPACING = """(on) => {
    if (on) {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(`* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
            word-spacing: 0.16em !important; }
            p { margin-bottom: 2em !important; }`);
        document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
        window.__textSpacing = sheet;
    } else {
        document.adoptedStyleSheets = document.adoptedStyleSheets.filter(
            (s) => s !== window.__textSpacing
        );
    }
}"""


def _horizontal_scroll(page: Page, where: str) -> list[str]:
    overflow = page.evaluate(_OVERFLOW)
    if overflow["scrollWidth"] <= overflow["clientWidth"]:
        return []
    return [
        f"{where}: horizontal scroll, scrollWidth {overflow['scrollWidth']} > "
        f"clientWidth {overflow['clientWidth']}; sticking out: {overflow['culprits']}"
    ]


def _inject_axe(page: Page, axe_source: str) -> None:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source)


def audit(page: Page, axe_source: str, state: str) -> list[str]:
    """Every problem on the page as it is now, at 320 px and at 1280 px wide.

    ``state`` names what is being looked at ("blank", "with errors", ...) for the
    report. The page is resized in place, so its state (errors shown, focus) is
    the same at both widths. Returns one line per problem, empty when it passes.
    """
    problems: list[str] = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHTS[width]})
        where = f"{page.url} ({state}) at {width}px"
        _inject_axe(page, axe_source)
        result = page.evaluate(_RUN_AXE, WCAG_TAGS)
        for violation in result["violations"]:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
            problems.append(
                f"{where}: axe {violation['id']} (impact {violation['impact']}): "
                f"{violation['help']}; targets {targets}"
            )
        if width == min(WIDTHS):
            problems += _horizontal_scroll(page, where)
            page.evaluate(_TEXT_SPACING, True)
            problems += _horizontal_scroll(page, f"{where} with WCAG text spacing")
            page.evaluate(_TEXT_SPACING, False)
        for small in page.evaluate(_SMALL_TARGETS, MIN_TARGET):
            problems.append(f"{where}: answer option smaller than 44×44 px to tap: {small}")
    return problems


def report(problems: list[str]) -> str:
    """An assertion message listing every problem, one per line."""
    return f"{len(problems)} accessibility problem(s):\n" + "\n".join(problems)
