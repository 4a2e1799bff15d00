"""Semantic checks: the rules a schema cannot express.

Each check returns findings ``(loc, message)`` where ``loc`` is the path inside the
definition (field names and list indexes), so the loader can name the line.
``semantic_problems`` gives the same findings with readable locations.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator

from surveys.answer_types import ANSWER_TYPES, SETTING_FIELDS, AnswerType
from surveys.conditions import ConditionContext, Finding, Loc, condition_findings
from surveys.kpis import KpiBank
from surveys.model import Option, Question, Questionnaire
from surveys.routing import END
from surveys.source import describe

#: Most questions a grouped page may hold (GOV.UK: one thing per page; a few at most).
MAX_QUESTIONS_PER_PAGE = 5
#: Easy Read: one idea per sentence, at most this many words.
EASY_READ_MAX_WORDS = 15


def semantic_problems(q: Questionnaire, *, kpi_bank: KpiBank) -> list[tuple[str, str]]:
    """Every semantic problem as ``(where, message)``, ``where`` readable."""
    return [(describe(loc, q), message) for loc, message in semantic_findings(q, kpi_bank=kpi_bank)]


def semantic_findings(q: Questionnaire, *, kpi_bank: KpiBank) -> list[Finding]:
    """Every semantic problem as ``(loc, message)``, in file order."""
    findings: list[Finding] = []
    for check in _CHECKS:
        findings += check(q, kpi_bank)
    return findings


def _page_ids(q: Questionnaire, _bank: KpiBank) -> list[Finding]:
    seen: dict[str, int] = {}
    findings: list[Finding] = []
    for index, page in enumerate(q.pages):
        if page.id in seen:
            findings.append(
                (
                    ("pages", index, "id"),
                    f"page id {page.id!r} is already used by pages[{seen[page.id]}]",
                )
            )
        seen.setdefault(page.id, index)
    return findings


def _question_ids(q: Questionnaire, _bank: KpiBank) -> list[Finding]:
    seen: set[str] = set()
    findings: list[Finding] = []
    for loc, question in _questions(q):
        if question.id in seen:
            findings.append(((*loc, "id"), f"question id {question.id!r} is used more than once"))
        seen.add(question.id)
    return findings


def _reachability(q: Questionnaire, _bank: KpiBank) -> list[Finding]:
    index_of = _index_of(q)
    start = index_of.get(q.first_page)
    if start is None:
        return [(("first_page",), f"there is no page with id {q.first_page!r}")]
    findings: list[Finding] = []
    if q.pages[start].show_when is not None:
        findings.append((("pages", start, "show_when"), "the first page is always shown"))
    reachable = {start}
    waiting = [start]
    while waiting:
        for target in _successors(q, waiting.pop(), index_of):
            if target not in reachable:
                reachable.add(target)
                waiting.append(target)
    for index, page in enumerate(q.pages):
        if index not in reachable and index_of.get(page.id) == index:
            findings.append(
                (
                    ("pages", index, "id"),
                    f"page {page.id!r} can never be reached from the first page "
                    f"{q.first_page!r} (pages are followed in file order and by routes)",
                )
            )
    return findings


def _successors(q: Questionnaire, index: int, index_of: dict[str, int]) -> Iterator[int]:
    """Pages that may follow page ``index``: route targets and the fall-through."""
    page = q.pages[index]
    falls_through = True
    for route in page.routes:
        target = index_of.get(route.goto)
        if target is not None and target > index:
            yield from _shown_candidates(q, target)
        if route.when is None:
            falls_through = False
            break
    if falls_through:
        yield from _shown_candidates(q, index + 1)


def _shown_candidates(q: Questionnaire, index: int) -> Iterator[int]:
    # A page with show_when may be skipped, so the pages after it may come next too.
    for candidate in range(index, len(q.pages)):
        yield candidate
        if q.pages[candidate].show_when is None:
            return


def _routes(q: Questionnaire, _bank: KpiBank) -> list[Finding]:
    index_of = _index_of(q)
    findings: list[Finding] = []
    for index, page in enumerate(q.pages):
        unconditional_seen = False
        for number, route in enumerate(page.routes):
            loc: Loc = ("pages", index, "routes", number)
            if unconditional_seen:
                findings.append((loc, "is never used: an earlier route has no 'when'"))
            unconditional_seen = unconditional_seen or route.when is None
            target = index_of.get(route.goto)
            if route.goto == END:
                continue
            if target is None:
                findings.append(
                    ((*loc, "goto"), f"goes to page {route.goto!r}, which does not exist")
                )
            elif target <= index:
                findings.append(
                    (
                        (*loc, "goto"),
                        f"goes back to page {route.goto!r}; routes only go forward "
                        "to a later page (or 'end'), so there are no loops",
                    )
                )
    return findings


def _condition_checks(q: Questionnaire, _bank: KpiBank) -> list[Finding]:
    findings: list[Finding] = []
    for index, page in enumerate(q.pages):
        # The first page's show_when is reported by _reachability; it can look at nothing.
        if page.show_when is not None and page.id != q.first_page:
            context = ConditionContext(questionnaire=q, page_index=index, same_page_allowed=False)
            findings += condition_findings(page.show_when, ("pages", index, "show_when"), context)
        for number, route in enumerate(page.routes):
            if route.when is not None:
                context = ConditionContext(
                    questionnaire=q, page_index=index, same_page_allowed=True
                )
                loc: Loc = ("pages", index, "routes", number, "when")
                findings += condition_findings(route.when, loc, context)
    return findings


def _pages(q: Questionnaire, _bank: KpiBank) -> list[Finding]:
    findings: list[Finding] = []
    for index, page in enumerate(q.pages):
        count = len(page.questions)
        if count > MAX_QUESTIONS_PER_PAGE:
            findings.append(
                (
                    ("pages", index, "questions"),
                    f"has {count} questions; a page groups at most {MAX_QUESTIONS_PER_PAGE}",
                )
            )
        if count > 1 and not page.title:
            findings.append((("pages", index), "a page with more than one question needs a title"))
    return findings


def _options(q: Questionnaire, _bank: KpiBank) -> list[Finding]:
    findings: list[Finding] = []
    for loc, question in _questions(q):
        codes: set[str] = set()
        for number, option in enumerate(question.options):
            if option.code in codes:
                findings.append(
                    (
                        (*loc, "options", number, "code"),
                        f"option code {option.code!r} is used twice",
                    )
                )
            codes.add(option.code)
            if option.exclusive and not question.spec.several:
                findings.append(
                    (
                        (*loc, "options", number, "exclusive"),
                        "only multiple-choice options can be exclusive",
                    )
                )
        if question.is_closed and not question.options and question.area_options is None:
            findings.append(((*loc, "options"), "a closed question needs at least one option"))
        if not question.is_closed and question.options:
            findings.append(((*loc, "options"), f"{question.type} questions do not have options"))
        if question.area_options is not None:
            findings += _area_option_findings(loc, question.is_closed, question.options)
        elif question.spec.check is not None and question.options:
            findings += [((*loc, "options"), m) for m in question.spec.check(question)]
        findings += _positive_findings(loc, question)
    return findings


def _positive_findings(loc: Loc, question: Question) -> list[Finding]:
    """``positive`` names options of a closed question that count in the base."""
    if question.positive is None:
        return []
    if not question.is_closed:
        return [((*loc, "positive"), f"{question.type} questions have no positive options")]
    if question.area_options is not None:
        return [((*loc, "positive"), "the area's own options cannot be marked positive")]
    findings: list[Finding] = []
    for code in question.positive:
        option = question.option(code)
        if option is None:
            findings.append(((*loc, "positive"), f"{code!r} is not one of the options"))
        elif option.exclude_from_base:
            findings.append(
                ((*loc, "positive"), f"{code!r} is left out of the base, so it cannot be positive")
            )
    return findings


def _area_option_findings(loc: Loc, is_closed: bool, options: tuple[Option, ...]) -> list[Finding]:
    if not is_closed:
        return [((*loc, "area_options"), "area_options is only for closed questions")]
    # The area's own list replaces every option except excluded ones like prefer_not_to_say.
    return [
        (
            (*loc, "options", number),
            "with area_options, only excluded options (exclude_from_base: true) belong in the file",
        )
        for number, option in enumerate(options)
        if not option.exclude_from_base
    ]


def _numbers(q: Questionnaire, _bank: KpiBank) -> list[Finding]:
    findings: list[Finding] = []
    for loc, question in _questions(q):
        low, high = question.min_value, question.max_value
        if low is not None and high is not None and low > high:
            findings.append(((*loc, "min_value"), f"min_value {low} is more than max_value {high}"))
    return findings


def _settings(q: Questionnaire, _bank: KpiBank) -> list[Finding]:
    """Fields that belong to a designer setting only on types that take it."""
    findings: list[Finding] = []
    for loc, question in _questions(q):
        for setting, names in SETTING_FIELDS.items():
            if setting in question.spec.settings:
                continue
            if any(getattr(question, name) is not None for name in names):
                takers = [t.value for t, s in ANSWER_TYPES.items() if setting in s.settings]
                findings.append(
                    (
                        (*loc, names[0]),
                        f"{' and '.join(names)} are only for {' or '.join(takers)} questions",
                    )
                )
    return findings


def _kpis(q: Questionnaire, bank: KpiBank) -> list[Finding]:
    findings: list[Finding] = []
    for loc, question in _questions(q):
        for number, kpi_id in enumerate(question.kpis):
            here: Loc = (*loc, "kpis", number)
            kpi = bank.get(kpi_id)
            if kpi is None:
                findings.append((here, f"KPI {kpi_id!r} is not in the KPI bank"))
                continue
            if kpi.question != question.id:
                findings.append(
                    (here, f"KPI {kpi_id!r} is measured by question {kpi.question!r}, not this one")
                )
                continue
            missing = [c for c in (*kpi.positive, *kpi.exclude) if question.option(c) is None]
            if missing:
                findings.append(
                    (
                        here,
                        f"KPI {kpi_id!r} counts option codes this question lacks: "
                        + ", ".join(missing),
                    )
                )
    return findings


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD = re.compile(r"\S*[\w]\S*")


def sentence_word_counts(text: str) -> list[tuple[str, int]]:
    """Each sentence of ``text`` with its number of words (Easy Read measure)."""
    sentences = (s.strip() for s in _SENTENCE_END.split(text))
    return [(s, len(_WORD.findall(s))) for s in sentences if s]


def _easy_read(q: Questionnaire, _bank: KpiBank) -> list[Finding]:
    if not q.easy_read:
        return []
    texts: list[tuple[Loc, str | None]] = [
        ((name,), getattr(q, name))
        for name in ("title", "description", "privacy_notice", "next_steps")
    ]
    for index, page in enumerate(q.pages):
        texts.append((("pages", index, "title"), page.title))
    findings: list[Finding] = []
    for loc, question in _questions(q):
        texts += [((*loc, "text"), question.text), ((*loc, "hint"), question.hint)]
        for number, option in enumerate(question.options):
            texts += [((*loc, "options", number, "label"), option.label)]
            texts += [((*loc, "options", number, "hint"), option.hint)]
        if not question.picture:
            findings.append(
                ((*loc,), "Easy Read questions need a picture beside them (picture: name)")
            )
    for loc, text in texts:
        for sentence, words in sentence_word_counts(text or ""):
            if words > EASY_READ_MAX_WORDS:
                findings.append(
                    (
                        loc,
                        f"Easy Read sentences have at most {EASY_READ_MAX_WORDS} words; "
                        f"this one has {words}: {sentence!r}",
                    )
                )
    return findings


def _face_scales(q: Questionnaire, _bank: KpiBank) -> list[Finding]:
    """One face scale length per questionnaire: switching between 3 and 5 faces
    within one survey confuses young respondents and cannot be compared."""
    faces = [(loc, question) for loc, question in _questions(q) if question.type is AnswerType.FACE]
    lengths = Counter(question.points for _loc, question in faces)
    if len(lengths) < 2:
        return []
    usual = lengths.most_common(1)[0][0]
    return [
        (
            (*loc, "points"),
            f"every face question in a survey uses the same number of faces: most use "
            f"{usual}, this one uses {question.points}",
        )
        for loc, question in faces
        if question.points != usual
    ]


def _questions(q: Questionnaire) -> Iterator[tuple[Loc, Question]]:
    for index, page in enumerate(q.pages):
        for number, question in enumerate(page.questions):
            yield ("pages", index, "questions", number), question


def _index_of(q: Questionnaire) -> dict[str, int]:
    index_of: dict[str, int] = {}
    for index, page in enumerate(q.pages):
        index_of.setdefault(page.id, index)
    return index_of


_CHECKS: tuple[Callable[[Questionnaire, KpiBank], list[Finding]], ...] = (
    _page_ids,
    _question_ids,
    _reachability,
    _routes,
    _condition_checks,
    _pages,
    _options,
    _numbers,
    _settings,
    _kpis,
    _easy_read,
    _face_scales,
)
