"""Accessibility checks of the page a real browser shows (WCAG 2.2 AA, as /accessibility says).

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

from tests.browser.languages import direction, translated

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
        // Clipped to 1px by design: its text never shows, so it cannot stick out.
        if (el.closest(".govuk-visually-hidden")) continue;
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


#: GOV.UK form controls are at least 16 px (19 px from the tablet width up): below
#: that, a component's styles are missing from the stylesheet (a select once showed
#: at the browser's own 13 px) and phones zoom in on focus.
MIN_CONTROL_PX = 16

_SMALL_CONTROLS = """(minimum) => [...document.querySelectorAll(
        "select.govuk-select, input.govuk-input, textarea.govuk-textarea")]
    .filter((el) => el.getClientRects().length > 0)
    .filter((el) => parseFloat(getComputedStyle(el).fontSize) < minimum - 0.01)
    .map((el) => `${el.tagName.toLowerCase()}#${el.id} ${getComputedStyle(el).fontSize}`)"""


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


def audit(
    page: Page,
    axe_source: str,
    state: str,
    *,
    lang: str | None = None,
    one_question: bool = False,
    easy_read: bool = False,
) -> list[str]:
    """Every problem on the page as it is now, at 320 px and at 1280 px wide.

    ``state`` names what is being looked at ("blank", "with errors", ...) for the
    report. The page is resized in place, so its state (errors shown, focus) is
    the same at both widths. With ``lang`` the language checks run too (``lang``
    and ``dir``, structure, error messages, mirroring, focus); ``one_question``
    asks for the question as the ``<h1>``; ``easy_read`` for Easy Read text and
    pictures. Returns one line per problem, empty when it passes.
    """
    problems: list[str] = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHTS[width]})
        where = f"{page.url} ({state}{', ' + lang if lang else ''}) at {width}px"
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
        for small in page.evaluate(_SMALL_CONTROLS, MIN_CONTROL_PX):
            problems.append(f"{where}: form control text under {MIN_CONTROL_PX} px: {small}")
        for small in page.evaluate(_SMALL_TARGETS, MIN_TARGET):
            problems.append(f"{where}: answer option smaller than 44×44 px to tap: {small}")
        if lang is not None:
            problems += [f"{where}: {p}" for p in mirroring(page, lang)]
        if easy_read:
            problems += [f"{where}: {p}" for p in easy_read_problems(page, lang or "en")]
    if lang is not None:
        where = f"{page.url} ({state}, {lang})"
        problems += [f"{where}: {p}" for p in language_problems(page, lang)]
        problems += [f"{where}: {p}" for p in structure_problems(page, one_question=one_question)]
        problems += [f"{where}: {p}" for p in error_problems(page, lang)]
        problems += [f"{where}: {p}" for p in focus_problems(page)]
    return problems


def report(problems: list[str]) -> str:
    """An assertion message listing every problem, one per line."""
    return f"{len(problems)} accessibility problem(s):\n" + "\n".join(problems)


# --- Our own checks beside axe, per language (docs/quality-bar.md) -----------------

#: WCAG: 14 pt is 18.67 CSS px; Easy Read body text must be at least that.
EASY_READ_MIN_PX = 18.67

_DESCRIBE = """function describe(el) {
    const id = el.id ? `#${el.id}` : "";
    const classes = [...el.classList].map((c) => `.${c}`).join("");
    return `${el.tagName.toLowerCase()}${id}${classes}`;
}"""

_LANGUAGE = """() => ({
    lang: document.documentElement.getAttribute("lang"),
    dir: document.documentElement.getAttribute("dir"),
    bodyDirection: getComputedStyle(document.body).direction,
})"""

_STRUCTURE = """(oneQuestion) => {
    /*describe*/
    const problems = [];
    const groups = document.querySelectorAll(
        "main .govuk-radios, main .govuk-checkboxes, main .govuk-date-input");
    for (const group of groups) {
        const fieldset = group.closest("fieldset");
        if (!fieldset) {
            problems.push(`${describe(group)} is not inside a <fieldset>`);
            continue;
        }
        const legend = fieldset.querySelector(":scope > legend");
        if (!legend || !legend.textContent.trim()) {
            problems.push(`the <fieldset> around ${describe(group)} has no <legend> text`);
        }
    }
    if (oneQuestion) {
        const headings = document.querySelectorAll("h1");
        if (headings.length !== 1) {
            problems.push(`one-question page with ${headings.length} <h1>, expected 1`);
        } else if (!headings[0].closest("legend") && !headings[0].querySelector("label")) {
            problems.push("one-question page: the <h1> is not the question's <legend>/<label>");
        }
    }
    return problems;
}""".replace("/*describe*/", _DESCRIBE)

_ERRORS = """() => {
    const norm = (text) => text.replace(/\\s+/g, " ").trim();
    const summary = document.querySelector(".govuk-error-summary");
    const messages = [...document.querySelectorAll(".govuk-error-message")]
        .filter((m) => m.getClientRects().length > 0);
    if (!summary && messages.length === 0) return null;
    const inline = (message) => {
        const clone = message.cloneNode(true);
        const hidden = clone.querySelector(".govuk-visually-hidden");
        const prefix = hidden ? norm(hidden.textContent) : null;
        if (hidden) hidden.remove();
        return {prefix, text: norm(clone.textContent)};
    };
    const links = [];
    for (const a of summary ? summary.querySelectorAll(".govuk-error-summary__list a") : []) {
        const href = a.getAttribute("href") || "";
        const id = href.startsWith("#") ? decodeURIComponent(href.slice(1)) : null;
        const target = id ? document.getElementById(id) : null;
        // The nearest form group with a message: a date input's boxes each sit
        // in their own inner .govuk-form-group, inside the question's.
        let group = target ? target.closest(".govuk-form-group") : null;
        while (group && !group.querySelector(".govuk-error-message")) {
            group = group.parentElement.closest(".govuk-form-group");
        }
        const message = group ? group.querySelector(".govuk-error-message") : null;
        links.push({
            href,
            text: norm(a.textContent),
            target: target ? target.tagName.toLowerCase() : null,
            isInput: !!target && target.matches("input, textarea, select"),
            inline: message ? inline(message) : null,
        });
    }
    return {
        title: document.title,
        summary: !!summary,
        links,
        messages: messages.map(inline),
    };
}"""

#: The focused element's own focus style, and for a radio/checkbox (an invisible
#: input) its label's ``::before``/``::after``, where GOV.UK Frontend draws it.
_FOCUS_STYLE = """() => {
    /*describe*/
    const el = document.activeElement;
    if (!el || !el.matches("main input, main textarea, main select")) return null;
    const styles = [getComputedStyle(el)];
    if (el.matches(".govuk-radios__input, .govuk-checkboxes__input") && el.labels.length) {
        styles.push(getComputedStyle(el.labels[0], "::before"));
        styles.push(getComputedStyle(el.labels[0], "::after"));
    }
    const transparent = (colour) => /rgba\\(.*,\\s*0\\)$/.test(colour) || colour === "transparent";
    const visible = styles.some((s) =>
        (s.boxShadow && s.boxShadow !== "none")
        || (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0
            && !transparent(s.outlineColor)));
    return {element: describe(el), visible};
}""".replace("/*describe*/", _DESCRIBE)

_FIRST_INPUT = "main input:not([type=hidden]), main textarea, main select"

#: Where things sit, for mirroring: each as [left, right] edges in CSS px.
_SIDES = """() => {
    const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.right]; };
    const textBox = (el) => {
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        let left = Infinity, right = -Infinity;
        while (walker.nextNode()) {
            const node = walker.currentNode;
            if (!node.textContent.trim()) continue;
            if (node.parentElement.closest(".govuk-visually-hidden")) continue;
            const range = document.createRange();
            range.selectNodeContents(node);
            for (const r of range.getClientRects()) {
                if (r.width === 0) continue;
                left = Math.min(left, r.left);
                right = Math.max(right, r.right);
            }
        }
        return left === Infinity ? null : [left, right];
    };
    const visible = (el) => el.getClientRects().length > 0;
    const back = document.querySelector(".govuk-back-link");
    const result = {
        back: back && visible(back) ? {link: box(back), text: textBox(back)} : null,
        options: [],
        faces: [],
        errorGroups: [],
        summaryTitle: null,
        latin: [],
    };
    for (const input of document.querySelectorAll(
            ".govuk-radios__input, .govuk-checkboxes__input")) {
        const label = input.labels[0];
        if (!label || !visible(label)) continue;
        const text = textBox(label);
        // The circle/square GOV.UK Frontend draws is the label's ::before, placed
        // absolutely in the item; it must sit over the (invisible) input.
        const item = input.closest(".govuk-radios__item, .govuk-checkboxes__item");
        const mark = getComputedStyle(label, "::before");
        const itemBox = item.getBoundingClientRect();
        const markLeft = itemBox.left + parseFloat(getComputedStyle(item).borderLeftWidth)
            + parseFloat(mark.left);
        const drawn = [markLeft, markLeft + parseFloat(mark.width)];
        if (text) result.options.push({id: input.id, input: box(input), text, drawn});
        const face = label.querySelector(".app-face");
        if (face && text) result.faces.push({id: input.id, face: box(face), text});
    }
    for (const group of document.querySelectorAll(".govuk-form-group--error")) {
        const s = getComputedStyle(group);
        result.errorGroups.push({
            left: parseFloat(s.borderLeftWidth), right: parseFloat(s.borderRightWidth)});
    }
    const summary = document.querySelector(".govuk-error-summary");
    if (summary) {
        const title = summary.querySelector(".govuk-error-summary__title");
        const s = getComputedStyle(summary);
        const inner = summary.getBoundingClientRect();
        result.summaryTitle = {
            box: [inner.left + parseFloat(s.borderLeftWidth) + parseFloat(s.paddingLeft),
                  inner.right - parseFloat(s.borderRightWidth) - parseFloat(s.paddingRight)],
            text: textBox(title),
        };
    }
    // Latin runs that must read left to right inside right-to-left text.
    for (const el of document.querySelectorAll(".app-resume-code, main a[href^='http']")) {
        if (!visible(el)) continue;
        const s = getComputedStyle(el);
        result.latin.push({
            element: el.className || el.tagName.toLowerCase(),
            text: el.textContent.trim().slice(0, 40),
            direction: s.direction,
            unicodeBidi: s.unicodeBidi,
        });
    }
    return result;
}"""

_PICTURES = """() => {
    const out = [];
    for (const group of document.querySelectorAll("main form .govuk-form-group")) {
        if (group.parentElement.closest(".govuk-form-group")) continue;
        // Not shown to anyone (the hidden honeypot box): not a question.
        if (!group.getClientRects().length) continue;
        const idea = group.closest(".app-idea");
        const picture = idea ? idea.querySelector(":scope > .app-idea__picture") : null;
        const r = group.getBoundingClientRect();
        const p = picture && picture.getClientRects().length
            ? picture.getBoundingClientRect() : null;
        out.push({
            group: group.querySelector("[id]") ? group.querySelector("[id]").id : "?",
            text: [r.left, r.right, r.top, r.bottom],
            picture: p ? [p.left, p.right, p.top, p.bottom, p.width, p.height] : null,
        });
    }
    return out;
}"""

_SMALL_TEXT = """(minimum) => {
    /*describe*/
    const found = [];
    const seen = new Set();
    const main = document.querySelector("main");
    if (!main) return found;
    const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode;
        const el = node.parentElement;
        if (!node.textContent.trim() || seen.has(el)) continue;
        seen.add(el);
        if (!el.closest("p, label, legend, .govuk-hint, li, .govuk-error-message")) continue;
        if (el.closest(".govuk-visually-hidden, h1, h2") || !el.getClientRects().length) {
            continue;
        }
        const size = parseFloat(getComputedStyle(el).fontSize);
        if (size < minimum) {
            const words = node.textContent.trim().slice(0, 30);
            found.push(`${describe(el)} "${words}" is ${size}px`);
        }
    }
    return found;
}""".replace("/*describe*/", _DESCRIBE)


def language_problems(page: Page, lang: str) -> list[str]:
    """``<html lang>`` is the chosen language; ``dir`` is rtl exactly for ur/ar."""
    found = page.evaluate(_LANGUAGE)
    problems = []
    if found["lang"] != lang:
        problems.append(f'<html lang="{found["lang"]}">, expected "{lang}"')
    if found["dir"] != direction(lang):
        problems.append(f'<html dir="{found["dir"]}">, expected "{direction(lang)}"')
    if found["bodyDirection"] != direction(lang):
        problems.append(f"body has computed direction {found['bodyDirection']}")
    return problems


def structure_problems(page: Page, *, one_question: bool) -> list[str]:
    """Groups in a fieldset with a legend; the one question as the page's <h1>."""
    return list(page.evaluate(_STRUCTURE, one_question))


def error_problems(page: Page, lang: str) -> list[str]:
    """A translated "Error:" title, summary links to inputs, matching inline messages."""
    found = page.evaluate(_ERRORS)
    if found is None:
        return []
    prefix = translated(lang, "Error:")
    problems = []
    if not found["title"].startswith(f"{prefix} "):
        problems.append(f"title {found['title']!r} does not start with {prefix!r}")
    if not found["summary"]:
        problems.append("error messages shown without an error summary")
    for message in found["messages"]:
        if message["prefix"] != prefix:
            problems.append(
                f"inline error {message['text']!r} has the hidden prefix "
                f"{message['prefix']!r}, expected {prefix!r}"
            )
    if len(found["links"]) != len(found["messages"]):
        problems.append(
            f"{len(found['links'])} error summary link(s) but "
            f"{len(found['messages'])} inline message(s)"
        )
    for link in found["links"]:
        if not link["isInput"]:
            problems.append(
                f"error summary link {link['href']!r} points at {link['target'] or 'nothing'}, "
                "not an input"
            )
        elif link["inline"] is None:
            problems.append(f"error summary link {link['href']!r}: no inline message there")
        elif link["inline"]["text"] != link["text"]:
            problems.append(
                f"error summary says {link['text']!r} but the inline message says "
                f"{link['inline']['text']!r}"
            )
    return problems


def focus_problems(page: Page, max_tabs: int = 60) -> list[str]:
    """Tab (as a keyboard user does) to the first answer; its focus must show."""
    if page.locator(_FIRST_INPUT).count() == 0:
        return []
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.evaluate("() => window.scrollTo(0, 0)")
    page.mouse.click(1, 1)  # put the sequential-focus starting point at the top
    focused = None
    for _tab in range(max_tabs):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUS_STYLE)
        if focused is not None:
            break
    if focused is None:
        return [f"no answer reached after pressing Tab {max_tabs} times"]
    if not focused["visible"]:
        return [f"{focused['element']} has no visible focus style (outline or box-shadow)"]
    return []


def _side(box: list[float], of: list[float]) -> str:
    """Whether ``box`` lies to the left or right of ``of`` (by their centres)."""
    return "right" if (box[0] + box[1]) / 2 > (of[0] + of[1]) / 2 else "left"


def mirroring(page: Page, lang: str) -> list[str]:
    """Things that sit at the start of a line are on the right in RTL, left in LTR."""
    start = "right" if direction(lang) == "rtl" else "left"
    found = page.evaluate(_SIDES)
    problems = []
    back = found["back"]
    if back and back["text"]:
        link, text = back["link"], back["text"]
        arrow_side = "right" if link[1] - text[1] > text[0] - link[0] else "left"
        if arrow_side != start:
            problems.append(f"the back link's arrow is on the {arrow_side} of its text")
    for option in found["options"]:
        if _side(option["input"], option["text"]) != start:
            problems.append(
                f"the radio/checkbox #{option['id']} is on the "
                f"{_side(option['input'], option['text'])} of its label"
            )
    for option in found["options"]:
        drawn, target = option["drawn"], option["input"]
        off = abs((drawn[0] + drawn[1]) / 2 - (target[0] + target[1]) / 2)
        if off > 4:
            problems.append(
                f"the radio/checkbox drawn for #{option['id']} is {off:.0f}px away from the "
                f"input it stands for (drawn at {drawn[0]:.0f}–{drawn[1]:.0f}px, "
                f"input at {target[0]:.0f}–{target[1]:.0f}px)"
            )
    for face in found["faces"]:
        if _side(face["face"], face["text"]) != start:
            problems.append(f"the face of #{face['id']} is not on the {start} of its words")
    for group in found["errorGroups"]:
        if (group[start] <= 0) or (group["left" if start == "right" else "right"] > 0):
            problems.append(
                f"error border on the wrong side: left {group['left']}px, right {group['right']}px"
            )
    summary = found["summaryTitle"]
    if summary and summary["text"]:
        gap_left = summary["text"][0] - summary["box"][0]
        gap_right = summary["box"][1] - summary["text"][1]
        aligned = "left" if gap_left <= gap_right else "right"
        if aligned != start:
            problems.append(f"the error summary title is aligned {aligned}")
    for run in found["latin"]:
        if run["direction"] != "ltr":
            problems.append(
                f"{run['element']} {run['text']!r} has direction {run['direction']} "
                f"(unicode-bidi {run['unicodeBidi']}): Latin letters and numbers need ltr"
            )
    return problems


def easy_read_problems(page: Page, lang: str) -> list[str]:
    """Body text ≥ 18.67 px; a picture beside each question, on its start side."""
    problems = [
        f"Easy Read text smaller than {EASY_READ_MIN_PX}px: {small}"
        for small in page.evaluate(_SMALL_TEXT, EASY_READ_MIN_PX)
    ]
    start = "right" if direction(lang) == "rtl" else "left"
    for idea in page.evaluate(_PICTURES):
        picture, text = idea["picture"], idea["text"]
        if picture is None or picture[4] == 0 or picture[5] == 0:
            problems.append(f"Easy Read question {idea['group']} has no picture beside it")
            continue
        beside = picture[2] < text[3] and text[2] < picture[3]  # overlapping vertically
        side = "right" if picture[0] >= text[1] - 1 else "left" if picture[1] <= text[0] + 1 else ""
        if not beside or side != start:
            problems.append(
                f"Easy Read picture of {idea['group']} is not beside the question on the "
                f"{start} (picture {[round(v) for v in picture[:4]]}, "
                f"question {[round(v) for v in text]})"
            )
    return problems
