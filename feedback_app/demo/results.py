"""Synthetic results for the demo area: three closed waves of the parent survey.

A baseline (``parent_annual``, closed about 18 months ago), a mid-term follow-up
(``parent_follow_up``, 9 months ago; it shares the six KPI questions) and an annual
repeat (``parent_annual``, 2 months ago), each with ``responses_per_wave`` submitted
responses, so every results page has something real to show.

The patterns are made up but shaped like a real area's (see
docs/adr/0016-you-said-we-did-and-demo-results.md):

* KPI percentages start near the Sefton plan's recorded baselines and move by
  different amounts: trust and confidence (KPI 4/1) and communication (4/6) meet
  their targets, help and support (4/2) and influence (4/4) improve but not enough,
  information about assessment (4/3) gets worse, listened to in EHC plans (4/5)
  barely moves.
* Families waiting for an assessment are the least positive, families with no
  plan the most; secondary and post-16 less positive than the early years.
* About 8% paper returns, several languages, "don't know" answers, skipped optional
  questions, and English free text with recognisable SEND themes, a few with names,
  e-mail addresses and phone numbers that redaction must catch.
* Every answer follows the published questionnaire's routing
  (``surveys.routing.on_path_answers``): routed-out questions stay unanswered.

Deterministic (seeded), idempotent (a wave already loaded is left alone), and fast:
responses and answers go in with SQLAlchemy Core ``executemany``, one transaction
per wave, so a wave is either wholly there or not at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from feedback_app.definitions import questionnaire_for
from feedback_app.demo.loading import DEMO_SLUG, months_before
from feedback_app.models import (
    AreaAction,
    Base,
    LocalArea,
    QuestionnaireVersion,
    Response,
    Wave,
    utcnow,
)
from feedback_app.review.publishing import publish_version, schedule_wave
from surveys.library import bundled_questionnaires
from surveys.model import AnswerValue, Question, Questionnaire
from surveys.routing import on_path_answers

SEED = 20240611
# Core tables: executemany inserts without building ORM objects.
RESPONSE = Base.metadata.tables["response"]
ANSWER = Base.metadata.tables["answer"]


@dataclass(frozen=True)
class DemoWave:
    """One synthetic wave: which questionnaire, when it closed, its KPI levels."""

    slug: str
    name: str
    questionnaire_id: str
    #: Months before today (in the area's time zone) that the wave closed.
    closed_months_ago: int
    #: Weeks it was open for.
    weeks_open: int
    #: Target percentage positive per KPI question (base without "don't know").
    kpi_levels: Mapping[str, float]
    #: Relative weight of each free-text theme in this wave's comments.
    theme_weights: Mapping[str, float]


#: The KPI questions (surveys/library/kpis.yaml) and how they move over the waves.
#: Targets are baseline + 10 points: 4/1 and 4/6 meet them, 4/2 and 4/4 improve
#: but fall short, 4/3 gets worse, 4/5 barely moves.
DEMO_WAVES: tuple[DemoWave, ...] = (
    DemoWave(
        slug="demo-results-baseline",
        name="Parent carer survey: baseline (demo)",
        questionnaire_id="parent_annual",
        closed_months_ago=18,
        weeks_open=6,
        kpi_levels={
            "trust_confidence": 38.5,
            "help_support_rating": 58.0,
            "assessment_information_rating": 63.0,
            "influence_change": 55.0,
            "listened_to_ehcp": 62.0,
            "communication_improved": 66.0,
        },
        theme_weights={
            "communication": 3.0,
            "waiting_times": 3.0,
            "ehc_plan_process": 2.5,
            "support_in_school": 2.0,
            "health_services": 2.0,
            "social_care": 1.0,
            "information_local_offer": 1.5,
            "being_listened_to": 2.0,
            "transitions_adulthood": 1.0,
        },
    ),
    DemoWave(
        slug="demo-results-follow-up",
        name="Parent carer follow-up: mid-term (demo)",
        questionnaire_id="parent_follow_up",
        closed_months_ago=9,
        weeks_open=4,
        kpi_levels={
            "trust_confidence": 43.5,
            "help_support_rating": 60.5,
            "assessment_information_rating": 60.0,
            "influence_change": 58.0,
            "listened_to_ehcp": 63.0,
            "communication_improved": 71.0,
        },
        theme_weights={
            "communication": 2.2,
            "waiting_times": 3.0,
            "ehc_plan_process": 2.5,
            "support_in_school": 2.0,
            "health_services": 2.2,
            "social_care": 1.0,
            "information_local_offer": 1.8,
            "being_listened_to": 1.6,
            "transitions_adulthood": 1.2,
        },
    ),
    DemoWave(
        slug="demo-results-repeat",
        name="Parent carer survey: annual repeat (demo)",
        questionnaire_id="parent_annual",
        closed_months_ago=2,
        weeks_open=6,
        kpi_levels={
            "trust_confidence": 52.0,
            "help_support_rating": 63.0,
            "assessment_information_rating": 56.5,
            "influence_change": 60.5,
            "listened_to_ehcp": 63.5,
            "communication_improved": 79.0,
        },
        theme_weights={
            "communication": 1.5,
            "waiting_times": 3.2,
            "ehc_plan_process": 3.0,
            "support_in_school": 2.0,
            "health_services": 2.4,
            "social_care": 1.0,
            "information_local_offer": 2.6,
            "being_listened_to": 1.2,
            "transitions_adulthood": 1.4,
        },
    ),
)

# Who answers: shares of each plan type and age phase (percentages).
PLAN_TYPES = {"ehcp": 36, "sen_support": 33, "waiting": 12, "none": 14, "dont_know": 5}
AGE_PHASES = {"early_years": 11, "primary": 41, "secondary": 33, "post_16": 15}
NEEDS = {
    "communication_interaction": 42,
    "cognition_learning": 18,
    "semh": 22,
    "sensory_physical": 13,
    "dont_know": 5,
}
#: Percentage points added to every KPI's chance of a positive answer.
PLAN_EFFECT = {"ehcp": -2.0, "sen_support": 3.0, "waiting": -16.0, "none": 6.0, "dont_know": 0.0}
AGE_EFFECT = {"early_years": 9.0, "primary": 3.0, "secondary": -5.0, "post_16": -7.0}
#: Questions shown to one plan type only (their level is that group's level).
PLAN_ONLY = frozenset({"listened_to_ehcp"})
#: Localities by share; the last few per cent prefer not to say.
LOCALITY_WEIGHTS = (30, 24, 19, 15, 9)
#: Online languages (percentages); paper returns are keyed in English.
LANGUAGES = {"en": 87, "pl": 4, "ur": 3, "ar": 2, "so": 2, "cy": 2}
PAPER_SHARE = 0.08
DONT_KNOW_SHARE = 0.06
SERVICES = {
    "sendiass": 0.22,
    "local_offer": 0.38,
    "educational_psychology": 0.30,
    "speech_language": 0.41,
    "camhs": 0.24,
    "short_breaks": 0.14,
}
#: Chance that an English-speaking respondent writes in each free-text box.
FREE_TEXT_SHARE = {"works_well": 0.5, "one_improvement": 0.62, "what_changed": 0.45}
#: Chance that a comment carries a personal detail redaction must catch.
PERSONAL_DETAIL_SHARE = 0.02

# Free text: fragments that match the default codeframe (analysis/codeframes/).
NEGATIVE = {
    "communication": [
        "Nobody replies to my emails and I have to keep chasing the team.",
        "We never heard back after the phone call and had to chase for weeks.",
        "I wish someone would keep us informed about what is happening.",
        "Calls go unanswered and there is no response to messages.",
    ],
    "waiting_times": [
        "We have been on the waiting list for over a year.",
        "The wait for an appointment is far too long.",
        "Everything takes months and we are still waiting.",
        "The delays meant my child went without help for two years.",
    ],
    "ehc_plan_process": [
        "The EHC plan took far longer than 20 weeks and the draft was wrong.",
        "The annual review was cancelled twice and the plan is out of date.",
        "We had to go to tribunal to get the needs assessment.",
        "Our case worker changed three times during the EHCP process.",
    ],
    "support_in_school": [
        "School do not follow the plan and my child is on a reduced timetable.",
        "The teachers do not understand autism and he keeps getting excluded.",
        "The SENCO has too many children to help properly.",
        "There is no one to one support in the classroom any more.",
    ],
    "health_services": [
        "CAMHS would not see my daughter until she was in crisis.",
        "Speech and language therapy stopped after six sessions.",
        "We waited two years for an autism diagnosis from the paediatrician.",
        "Occupational therapy is impossible to get.",
    ],
    "social_care": [
        "We need short breaks and respite but there are none near us.",
        "We have had four social workers in a year.",
        "The direct payments are not enough to pay a carer.",
    ],
    "information_local_offer": [
        "The Local Offer website is hard to find your way around.",
        "Information is hard to find and nobody tells you who to ask.",
        "I did not know SENDIASS existed until a friend told me.",
    ],
    "being_listened_to": [
        "Nobody listens to parents; we are treated as the problem.",
        "I felt dismissed and not listened to in meetings.",
        "Our views were ignored when the plan was written.",
    ],
    "transitions_adulthood": [
        "There is nothing for him after college and adult services are a mystery.",
        "The transition to secondary school was badly planned.",
        "We need more help preparing for adulthood and supported internships.",
    ],
}
POSITIVE = {
    "communication": [
        "The new caseworker always replies to emails within a few days.",
        "We are kept in the loop much better than before.",
    ],
    "waiting_times": ["The assessment was finished on time this year."],
    "ehc_plan_process": [
        "The annual review was well run and the EHC plan now reflects my child.",
        "The EHCP was finished in time and the assessment was thorough.",
    ],
    "support_in_school": [
        "His teacher and the SENCO are brilliant and really understand him.",
        "The school has put good support in place and she is happy in class.",
        "Nursery staff have been fantastic.",
    ],
    "health_services": [
        "Speech and language therapy has made a huge difference.",
        "The community nurse was very supportive.",
    ],
    "social_care": ["Short breaks have given us a lifeline as a family."],
    "information_local_offer": [
        "SENDIASS gave us clear advice before the meeting.",
        "The Local Offer website helped me find a holiday club.",
    ],
    "being_listened_to": [
        "For the first time I felt listened to and part of the decision.",
        "The parent carer forum makes sure our voice is heard.",
    ],
    "transitions_adulthood": ["The college transition was planned well and he settled quickly."],
}
CHANGED_BETTER = [
    "Things have got a bit better since last year.",
    "It feels like things are improving slowly.",
]
CHANGED_WORSE = ["If anything things have got worse.", "Nothing has changed for us."]
#: Personal details a respondent should not have written; redaction must catch them.
PERSONAL_DETAILS = [
    "My son Jacob has been waiting since September.",
    "Please call me on 07700 900123 about this.",
    "You can email me at jo.bloggs@example.org if you want to know more.",
    "Mrs Patel the SENCO has been amazing.",
    "My daughter Amelia is still waiting for a speech therapist.",
    "Ring me on 0151 496 0000 any time.",
]

POSITIVE_CODES = {
    "agreement": ("strongly_agree", "agree"),
    "rating": ("very_good", "good"),
}
NEGATIVE_CODES = {
    "agreement": ("neither", "disagree", "strongly_disagree"),
    "rating": ("neither", "poor", "very_poor"),
}
NEGATIVE_WEIGHTS = (0.4, 0.38, 0.22)


@dataclass(frozen=True)
class LoadedWave:
    """What ``load_demo_results`` did for one wave."""

    slug: str
    submitted: int
    created: bool


def load_demo_results(session: Session, responses_per_wave: int = 1000) -> list[LoadedWave]:
    """Create the demo area's three closed parent-survey waves with responses.

    Needs the demo area (``feedback_app.demo.loading.load_demo``). Idempotent: a wave that
    already exists is left as it is (and counted), so a second load adds nothing.
    Each new wave is committed with all its responses in one transaction.
    """
    if responses_per_wave < 1:
        raise ValueError("responses_per_wave must be at least 1")
    area = session.scalar(select(LocalArea).where(LocalArea.slug == DEMO_SLUG))
    if area is None:
        raise RuntimeError("load the demo area first (feedback_app.demo.loading.load_demo)")
    library = bundled_questionnaires()
    zone = ZoneInfo(area.timezone or "Europe/London")
    today = utcnow().astimezone(zone).date()
    loaded = []
    for index, plan in enumerate(DEMO_WAVES):
        existing = session.scalar(select(Wave).where(Wave.slug == plan.slug))
        if existing is not None:
            loaded.append(LoadedWave(plan.slug, _submitted(session, existing), created=False))
            continue
        # The same published version the open demo waves use (same text, same row).
        version = publish_version(session, area, library[plan.questionnaire_id])
        closes_at, opens_at = _window(today, plan, zone)
        wave = schedule_wave(
            session,
            version=version,
            name=plan.name,
            opens_at=opens_at,
            closes_at=closes_at,
            slug=plan.slug,
        )
        rng = random.Random(f"{SEED}:{index}:{plan.slug}")  # noqa: S311 - synthetic data
        count = _insert_responses(
            session, wave, version, plan, rng, responses_per_wave, area.localities
        )
        session.commit()
        loaded.append(LoadedWave(plan.slug, count, created=True))
    _add_actions(session, area, today)
    return loaded


#: "You said, we did" examples: (months ago, you said, we did, KPI id, theme).
DEMO_ACTIONS = (
    (
        15,
        "Nobody answers the phone or replies to emails at the SEND team.",
        "We set up a duty line staffed every weekday and answer emails within three working days.",
        "kpi_4_6",
        "communication",
    ),
    (
        12,
        "Families do not trust the local area to support their child.",
        "Parent carer forum members now sit on the SEND Improvement Board and co-chair it.",
        "kpi_4_1",
        "being_listened_to",
    ),
    (
        8,
        "It is hard to find out how an EHC needs assessment works.",
        "We rewrote the Local Offer pages on assessment with parents and added a short video.",
        "kpi_4_3",
        "information_local_offer",
    ),
    (
        5,
        "The wait for speech and language therapy is far too long.",
        "We funded two more therapists and began drop-in sessions at family hubs.",
        None,
        "waiting_times",
    ),
)


def _add_actions(session: Session, area: LocalArea, today: dt.date) -> None:
    """Published example actions, once (only when the area has none)."""
    if session.scalar(select(func.count(AreaAction.id)).where(AreaAction.area_id == area.id)):
        return
    now = utcnow()
    for months, you_said, we_did, kpi_id, theme in DEMO_ACTIONS:
        session.add(
            AreaAction(
                area_id=area.id, you_said=you_said, we_did=we_did, kpi_id=kpi_id, theme=theme,
                action_date=months_before(today, months), published=True,
                created_at=now, updated_at=now,
            )
        )  # fmt: skip
    session.commit()


def _submitted(session: Session, wave: Wave) -> int:
    return int(
        session.scalar(
            select(func.count(Response.id)).where(
                Response.wave_id == wave.id, Response.status == "submitted"
            )
        )
        or 0
    )


def _window(today: dt.date, plan: DemoWave, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """Close and open moments (UTC): local midnight, so the dates read right locally."""
    close_day = months_before(today, plan.closed_months_ago)
    open_day = close_day - dt.timedelta(weeks=plan.weeks_open)
    midnight = dt.time(0, 0)
    closes = dt.datetime.combine(close_day, midnight, tzinfo=zone).astimezone(dt.UTC)
    opens = dt.datetime.combine(open_day, midnight, tzinfo=zone).astimezone(dt.UTC)
    return closes, opens


def _pick(rng: random.Random, weights: Mapping[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _centre(effects: Mapping[str, float], shares: Mapping[str, float]) -> float:
    total = sum(shares.values())
    return sum(effects[k] * shares[k] for k in shares) / total


_PLAN_CENTRE = _centre(PLAN_EFFECT, PLAN_TYPES)
_AGE_CENTRE = _centre(AGE_EFFECT, AGE_PHASES)


def _kpi_answer(
    rng: random.Random, question: Question, level: float, plan_type: str, age: str | None
) -> str:
    """A KPI answer: positive with probability ``level`` plus this family's effects."""
    kind = "agreement" if question.type == "agreement" else "rating"
    if rng.random() < DONT_KNOW_SHARE:
        return "dont_know"
    # A question only families with an EHC plan see is already one plan type's level.
    shift = 0.0 if question.id in PLAN_ONLY else PLAN_EFFECT[plan_type] - _PLAN_CENTRE
    if age is not None:
        shift += AGE_EFFECT[age] - _AGE_CENTRE
    chance = min(max((level + shift) / 100, 0.02), 0.98)
    if rng.random() < chance:
        return POSITIVE_CODES[kind][0 if rng.random() < 0.3 else 1]
    return rng.choices(NEGATIVE_CODES[kind], weights=NEGATIVE_WEIGHTS)[0]


def _comment(rng: random.Random, plan: DemoWave, *, positive: bool) -> str:
    bank = POSITIVE if positive else NEGATIVE
    themes = [t for t in plan.theme_weights if t in bank]
    weights = [plan.theme_weights[t] for t in themes]
    first = rng.choices(themes, weights=weights)[0]
    parts = [rng.choice(bank[first])]
    if rng.random() < 0.35:
        second = rng.choices(themes, weights=weights)[0]
        if second != first:
            parts.append(rng.choice(bank[second]))
    if rng.random() < PERSONAL_DETAIL_SHARE:
        parts.insert(rng.randrange(len(parts) + 1), rng.choice(PERSONAL_DETAILS))
    return " ".join(parts)


def _answers(
    rng: random.Random,
    questionnaire: Questionnaire,
    plan: DemoWave,
    localities: Sequence[str],
    *,
    english: bool,
) -> dict[str, AnswerValue]:
    """One respondent's answers to every question they could be asked."""
    plan_type = _pick(rng, PLAN_TYPES)
    age = _pick(rng, AGE_PHASES)
    answers: dict[str, AnswerValue] = {"plan_type": plan_type}
    has_age = questionnaire.question("age_phase") is not None
    if has_age:
        answers["age_phase"] = age
    if questionnaire.question("need") is not None:
        answers["need"] = _pick(rng, NEEDS)
    if questionnaire.question("locality") is not None:
        if rng.random() < 0.04:
            answers["locality"] = "prefer_not_to_say"
        else:
            answers["locality"] = rng.choices(
                localities, weights=LOCALITY_WEIGHTS[: len(localities)]
            )[0]
    if questionnaire.question("services_used") is not None:
        used = tuple(code for code, share in SERVICES.items() if rng.random() < share)
        answers["services_used"] = used or ("none",)
    # Every question is answered here; routing decides below which ones count.
    local_offer = questionnaire.question("local_offer_useful")
    if local_offer is not None:
        answers["local_offer_useful"] = _kpi_answer(rng, local_offer, 57.0, plan_type, age)
    # Someone who feels positive about one KPI is likelier to about the others.
    mood = rng.gauss(0, 9)
    for question_id, level in plan.kpi_levels.items():
        question = questionnaire.question(question_id)
        if question is not None:
            answers[question_id] = _kpi_answer(
                rng, question, level + mood, plan_type, age if has_age else None
            )
    happy = mood > 0
    if english:
        for question_id, share in FREE_TEXT_SHARE.items():
            if questionnaire.question(question_id) is None or rng.random() >= share:
                continue
            if question_id == "works_well":
                answers[question_id] = _comment(rng, plan, positive=True)
            elif question_id == "one_improvement":
                answers[question_id] = _comment(rng, plan, positive=False)
            else:
                opening = rng.choice(CHANGED_BETTER if happy else CHANGED_WORSE)
                answers[question_id] = f"{opening} {_comment(rng, plan, positive=happy)}"
    if questionnaire.question("ethnicity") is not None and rng.random() < 0.8:
        answers["ethnicity"] = rng.choices(
            ("asian", "black", "mixed", "white", "other", "prefer_not_to_say"),
            weights=(9, 4, 5, 74, 2, 6),
        )[0]
    if questionnaire.question("respondent_disability") is not None and rng.random() < 0.75:
        answers["respondent_disability"] = rng.choices(
            ("yes", "no", "prefer_not_to_say"), weights=(22, 70, 8)
        )[0]
    return answers


def _token(slug: str, number: int) -> str:
    # Nobody holds this token: a synthetic response can never be resumed.
    return hashlib.sha256(f"demo-results:{slug}:{number}".encode()).hexdigest()


def _insert_responses(
    session: Session,
    wave: Wave,
    version: QuestionnaireVersion,
    plan: DemoWave,
    rng: random.Random,
    count: int,
    area_localities: Sequence[Sequence[str]],
) -> int:
    questionnaire = questionnaire_for(version)
    localities = [str(code) for code, _label in area_localities] or ["prefer_not_to_say"]
    opens = wave.opens_at
    window = ((wave.closes_at or opens) - opens).total_seconds()
    response_rows: list[dict[str, Any]] = []
    answer_sets: dict[str, dict[str, AnswerValue]] = {}
    for number in range(count):
        paper = rng.random() < PAPER_SHARE
        language = "en" if paper else _pick(rng, LANGUAGES)
        answers = on_path_answers(
            questionnaire,
            _answers(rng, questionnaire, plan, localities, english=language == "en"),
        )
        # Responses come in fastest in the first days after the wave opens.
        offset = window * min(rng.betavariate(1.2, 2.2), 0.999)
        submitted = opens + dt.timedelta(seconds=offset)
        started = submitted - dt.timedelta(seconds=rng.randint(150, 1500))
        token = _token(plan.slug, number)
        response_rows.append(
            {
                "wave_id": wave.id,
                "version_id": version.id,
                "token_hash": token,
                "resume_code_hash": None,
                "status": "submitted",
                "channel": "paper" if paper else "online",
                "language": language,
                "started_at": max(started, opens),
                "updated_at": submitted,
                "submitted_at": submitted,
                "flags": None,
                "review": "",
                "rate_window_start": None,
                "rate_count": 0,
            }
        )
        answer_sets[token] = answers
    session.execute(insert(RESPONSE), response_rows)
    stored = select(Response.token_hash, Response.id).where(Response.wave_id == wave.id)
    ids: dict[str, int] = {token: id_ for token, id_ in session.execute(stored)}
    answer_rows = [
        {
            "response_id": ids[row["token_hash"]],
            "question_id": question_id,
            "value": list(value) if isinstance(value, tuple) else value,
            "updated_at": row["submitted_at"],
        }
        for row in response_rows
        for question_id, value in answer_sets[row["token_hash"]].items()
    ]
    session.execute(insert(ANSWER), answer_rows)
    return count
