"""The bundled library: the KPI question bank and ready-made questionnaires."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from surveys.kpis import BUNDLED_KPI_BANK_PATH, KpiBank, bundled_kpi_bank, load_kpi_bank
from surveys.loading import load_questionnaire
from surveys.model import Questionnaire

LIBRARY_DIR = Path(__file__).resolve().parent
KPI_BANK_PATH = BUNDLED_KPI_BANK_PATH
QUESTIONNAIRES_DIR = LIBRARY_DIR / "questionnaires"
PLANS_DIR = LIBRARY_DIR / "plans"

#: Plan templates an area can start from: name -> file (docs/plan.md).
PLAN_TEMPLATES = {"sefton-appendix-a": PLANS_DIR / "sefton-appendix-a.yaml"}


#: The bundled KPI bank (read once); it lives in surveys.kpis so loading can use it.
kpi_bank = bundled_kpi_bank


def plan_template(name: str) -> KpiBank:
    """A bundled plan template by name; KeyError when there is none of that name."""
    return load_kpi_bank(PLAN_TEMPLATES[name])


def bundled_paths() -> list[Path]:
    """The bundled questionnaire files, sorted by file name."""
    return sorted(QUESTIONNAIRES_DIR.glob("*.yaml"))


@cache
def _bundled() -> tuple[tuple[str, Questionnaire], ...]:
    return tuple(
        (q.id, q) for q in (load_questionnaire(p, kpi_bank=kpi_bank()) for p in bundled_paths())
    )


def bundled_questionnaires() -> dict[str, Questionnaire]:
    """Every bundled questionnaire keyed by id, in file-name order (loaded once)."""
    # A fresh dict each call, so a caller cannot change the cached library.
    return dict(_bundled())
