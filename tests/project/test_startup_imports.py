"""A worker starts without the heavy libraries: they are imported where they are used.

Checked in a fresh interpreter (``sys.modules``), not by timing, so the test does
not depend on the machine's load. Figures: docs/production.md, "Start-up".
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Loaded on first use only (seconds each on a cold start).
HEAVY = ("scipy", "pandas", "weasyprint", "openpyxl", "textblob", "nltk", "statsmodels")
#: Also kept out of ``create_app()``: the first results page or download loads them.
HEAVY_AT_CREATE_APP = HEAVY


def _loaded(code: str) -> set[str]:
    """Top-level modules in ``sys.modules`` after running ``code`` in a new interpreter."""
    report = "import json, sys\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    script = f"{code}\n{report}"
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def test_importing_the_app_loads_no_heavy_library() -> None:
    loaded = _loaded("import feedback_app")
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_creating_the_app_loads_no_statistics_pdf_or_spreadsheet_library() -> None:
    loaded = _loaded(
        "from feedback_app import create_app\n"
        "create_app({'SECRET_KEY': 'x' * 40, 'DATABASE_URL': 'sqlite://'})"
    )
    assert "flask" in loaded  # the app was built
    assert not loaded & set(HEAVY_AT_CREATE_APP), sorted(loaded & set(HEAVY_AT_CREATE_APP))


def test_analysis_help_loads_no_data_library() -> None:
    loaded = _loaded(
        "import contextlib, io\n"
        "from analysis.cli import main\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--help'])"
    )
    assert "argparse" in loaded
    assert not loaded & {"numpy", *HEAVY}, sorted(loaded & {"numpy", *HEAVY})


def test_constants_written_out_for_a_fast_start_match_their_source() -> None:
    from scipy import stats

    from analysis.cli.commands import DEFAULT_WEIGHT_CAP
    from analysis.proportions import Z_95
    from analysis.weighting import DEFAULT_CAP

    assert float(stats.norm.ppf(0.975)) == Z_95
    assert DEFAULT_WEIGHT_CAP == DEFAULT_CAP


def test_no_lazy_analysis_name_is_also_a_submodule() -> None:
    """Importing ``analysis.x`` binds the module to ``analysis.x``: a lazy name ``x``
    would then be shadowed and calls like ``analysis.x(...)`` fail after the import."""
    import pkgutil

    import analysis

    submodules = {module.name for module in pkgutil.iter_modules(analysis.__path__)}
    assert not set(analysis._MODULES) & submodules
    for name, module in analysis._MODULES.items():
        assert getattr(analysis, name) is getattr(__import__(module, fromlist=[name]), name)
