"""The demo local area that ``make run`` loads: every bundled questionnaire, open."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from feedback_app.config import PROJECT_DIR
from feedback_app.models import LocalArea, StaffUser, Wave, utcnow
from feedback_app.plan.service import plan_row, start_plan
from feedback_app.review.publishing import publish_version, schedule_wave
from feedback_app.staff.accounts import create_user, set_password
from feedback_app.staff.roles import Role
from surveys.library import bundled_questionnaires, plan_template

DEMO_SLUG = "demo"
#: Place names: shown as written in every language (content_translation.place_names).
DEMO_LOCALITIES = [
    ["northfield", "Northfield"],
    ["southbank", "Southbank"],
    ["eastwood", "Eastwood"],
    ["westbury", "Westbury"],
    ["middleton", "Middleton"],
]


#: Years each bundled questionnaire's privacy notice promises answers are kept;
#: the demo waves keep exactly that (``feedback-app retention apply`` reads it).
PROMISED_RETENTION_YEARS = {
    "always_on": 2,
    "event_feedback": 2,
    "ehc_assessment_milestone": 3,
    "parent_annual": 3,
    "parent_follow_up": 3,
    "young_people": 3,
}


def load_demo(db: Session) -> list[Wave]:
    """Create (or top up) the demo area with an open wave per bundled questionnaire.

    Idempotent: running it again changes nothing that exists and loses no answers.
    """
    area = db.scalar(select(LocalArea).where(LocalArea.slug == DEMO_SLUG))
    if area is None:
        area = LocalArea(
            slug=DEMO_SLUG,
            name="Demo Local Area SEND Partnership",
            colour="#1d70b8",
            localities=DEMO_LOCALITIES,
        )
        db.add(area)
        db.flush()
    now = utcnow()
    waves = []
    for questionnaire in bundled_questionnaires().values():
        version = publish_version(db, area, questionnaire)
        slug = f"demo-{questionnaire.id.replace('_', '-')}"
        wave = db.scalar(select(Wave).where(Wave.slug == slug))
        if wave is None:
            wave = schedule_wave(
                db,
                version=version,
                name=f"{questionnaire.title} (demo)",
                opens_at=now - dt.timedelta(days=1),
                # Always-on feedback is open all year, every year.
                closes_at=None
                if questionnaire.kind == "always_on"
                else now + dt.timedelta(days=365),
                slug=slug,
            )
        if wave.retention_years is None:
            wave.retention_years = PROMISED_RETENTION_YEARS[questionnaire.id]
        waves.append(wave)
    closed_slug = "demo-closed-baseline"
    if db.scalar(select(Wave).where(Wave.slug == closed_slug)) is None:
        first = waves[0]
        schedule_wave(
            db,
            version=first.version,
            name="Baseline (closed, demo)",
            opens_at=now - dt.timedelta(days=400),
            closes_at=now - dt.timedelta(days=300),
            slug=closed_slug,
        )
    if plan_row(db, area) is None:
        start_plan(
            db, area, template=DEMO_PLAN_TEMPLATE, user_id=None,
            starts_on=demo_plan_start(utcnow().date()), commit=False,
        )  # fmt: skip
    db.commit()
    return waves


#: The demo area's plan: Sefton's Appendix A, re-dated so its agreed baselines fall
#: on the day the demo results' baseline wave closed (``demo.results``: 18 months ago).
DEMO_PLAN_TEMPLATE = "sefton-appendix-a"
#: Months before today that the demo results' baseline wave closes.
DEMO_BASELINE_MONTHS_AGO = 18


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier (the 28th at most, so every month has it)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    return dt.date(year, month + 1, min(day.day, 28))


def demo_plan_start(today: dt.date) -> dt.date:
    """A start date that puts the template's agreed baseline date (18 December 2019,
    171 days after its start) about two weeks before the last day of the demo
    baseline wave, so that wave is the measured baseline (a template moves by whole
    months, so the day can differ by one or two)."""
    template = plan_template(DEMO_PLAN_TEMPLATE)
    assert template.plan is not None and template.plan.starts_on is not None
    agreed = next(k.agreed_baseline.date for k in template.kpis if k.agreed_baseline)
    assert agreed is not None
    baseline_last_day = months_before(today, DEMO_BASELINE_MONTHS_AGO) - dt.timedelta(days=1)
    return baseline_last_day - (agreed - template.plan.starts_on) - dt.timedelta(days=14)


DEMO_ROLES = ("administrator", "coordinator", "officer", "reviewer")
CREDENTIALS_FILE = PROJECT_DIR / "instance" / "demo_credentials.txt"


def load_demo_staff(db: Session) -> list[tuple[str, str, str]]:
    """A demo sign-in for each role: (role, email, password).

    Passwords are random per installation, kept in ``instance/demo_credentials.txt``
    (readable only by its owner) so ``make run`` can print them every time.
    """
    saved: dict[str, tuple[str, str]] = {}
    if CREDENTIALS_FILE.exists():
        for line in CREDENTIALS_FILE.read_text(encoding="utf-8").splitlines():
            role, email, password = line.split("\t")
            saved[role] = (email, password)
    area = db.scalar(select(LocalArea).where(LocalArea.slug == DEMO_SLUG))
    if area is None:
        raise RuntimeError("load the demo area first")
    result = []
    for role in DEMO_ROLES:
        email, password = saved.get(role, (f"{role}@demo.example", secrets.token_urlsafe(12)))
        user = db.scalar(select(StaffUser).where(StaffUser.email == email))
        if user is None or not user.password_hash or role not in saved:
            user = create_user(db, area=area, email=email, role=Role(role), password=password)
            # The operator's own command: the demo sign-ins are reset to the saved ones.
            set_password(db, user, password)
        result.append((role, email, password))
    db.commit()
    CREDENTIALS_FILE.parent.mkdir(parents=True, exist_ok=True)
    CREDENTIALS_FILE.touch(mode=0o600)
    CREDENTIALS_FILE.write_text("".join(f"{r}\t{e}\t{p}\n" for r, e, p in result), encoding="utf-8")
    return result
