"""Errors raised for bad input to the analysis package."""

from __future__ import annotations


class AnalysisInputError(ValueError):
    """Input that cannot be analysed: unknown wave, missing column, bad code, bad YAML.

    The message always names the file, row or key that is wrong, so the command
    line can print it as one line and an officer can fix the input.

    Examples
    --------
    >>> err = AnalysisInputError("kpis.yaml: kpis[0]: missing key 'question'")
    >>> isinstance(err, ValueError)
    True
    """
