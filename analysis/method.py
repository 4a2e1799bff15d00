"""The method statement every result carries (statistics.md, named in every output)."""

from __future__ import annotations

from dataclasses import dataclass

from analysis.disclosure import METHOD as PUBLICATION_METHOD

REFERENCE = "docs/statistics.md; docs/adr/0002-analysis-method.md"
UNWEIGHTED = "none (unweighted)"
NOT_FOR_PUBLICATION = "none (officer view: not for publication)"


@dataclass(frozen=True, slots=True)
class Method:
    """How the figures were produced, in words an inspector can check.

    Examples
    --------
    >>> Method().proportion_interval
    '95% Wilson score interval'
    """

    base: str = (
        "valid answers: codes listed under 'exclude' (by default dont_know, not_applicable, "
        "prefer_not_to_say) and no answer are removed; neutral answers stay in"
    )
    proportion_interval: str = "95% Wilson score interval"
    change: str = "follow-up minus baseline, in percentage points"
    change_interval: str = "95% Newcombe hybrid score interval (Newcombe 1998, method 10)"
    significance_test: str = (
        "two-sided two-proportion z-test with unpooled standard error; when an expected "
        "cell count is below 5 or a wave is at 0% or 100%: Fisher's exact test "
        "(unweighted data) or the Rao-Scott first-order corrected chi-square test on the "
        "weighted proportions with Kish effective sizes (weighted data; Rao and Scott 1981, "
        "1984)"
    )
    significance_level: float = 0.05
    suppression: str = "no percentage or change when a base is under 10"
    caution: str = "treat with caution and no significance test when a base is under 30"
    multiple_comparisons: str = "none"
    trend_test: str = "none (two waves)"
    weighting: str = UNWEIGHTED
    publication: str = NOT_FOR_PUBLICATION
    target_status: str = (
        "absolute targets judged on the follow-up Wilson interval; baseline-relative targets "
        "on the Newcombe interval of the change"
    )
    reference: str = REFERENCE


BENJAMINI_HOCHBERG = "Benjamini-Hochberg false discovery rate, within each KPI and grouping column"
RAKING = (
    "raking (iterative proportional fitting) to population margins, each wave separately; "
    "weights capped between 1/{cap:g} and {cap:g} times the mean; intervals and tests use the "
    "Kish effective sample size; bases shown are unweighted"
)
WEIGHT_COLUMN = (
    "weights from column {column!r}; intervals and tests use the Kish effective sample size; "
    "bases shown are unweighted"
)


def describe_method(
    *, adjust: str = "none", weighting: str | None = None, publication: bool = False
) -> Method:
    """The :class:`Method` for a run with the given options.

    Examples
    --------
    >>> describe_method(adjust="bh").multiple_comparisons.split()[0]
    'Benjamini-Hochberg'
    """
    return Method(
        multiple_comparisons=BENJAMINI_HOCHBERG if adjust == "bh" else "none",
        weighting=weighting or UNWEIGHTED,
        publication=PUBLICATION_METHOD if publication else NOT_FOR_PUBLICATION,
    )
