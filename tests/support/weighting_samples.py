"""Made-up samples for the weighting tests: two waves, one yes/no question, and the
characteristics that raking adjusts (age phase, plan type) drawn with given shares."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd


def two_wave_sample(
    n: int, seed: int, phases: Mapping[str, float], plans: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """``n`` respondents from ``seed``, each in wave "b" or "f" and answering ``q`` yes
    or no; their age phase drawn with the shares in ``phases`` and, when given, their
    plan type with the shares in ``plans``."""
    rng = np.random.default_rng(seed)
    columns = {
        "response_id": range(n),
        "wave": rng.choice(["b", "f"], size=n),
        "q": rng.choice(["yes", "no"], size=n),
        "phase": rng.choice(list(phases), size=n, p=list(phases.values())),
    }
    if plans is not None:
        columns["plan"] = rng.choice(list(plans), size=n, p=list(plans.values()))
    return pd.DataFrame(columns)
