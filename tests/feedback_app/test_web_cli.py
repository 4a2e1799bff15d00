"""The ``feedback-app`` console script: surveys check, db upgrade, demo load."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from surveys.library import bundled_paths

ROOT = Path(__file__).resolve().parents[2]
FEEDBACK_APP = str(Path(sys.executable).with_name("feedback-app"))


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [FEEDBACK_APP, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=120,
        check=False,
    )


def test_surveys_check_passes_the_bundled_library() -> None:
    result = _run("surveys", "check", *map(str, bundled_paths()))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all valid" in result.stdout


def test_surveys_check_reports_file_line_where_and_what(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "id: broken\ntitle: T\ndescription: D\nkind: event\nestimated_minutes: 1\n"
        "privacy_notice: P\nnext_steps: N\nfirst_page: missing\npages:\n"
        "  - id: one\n    questions:\n      - id: q\n        type: single\n        text: Q\n",
        encoding="utf-8",
    )
    result = _run("surveys", "check", str(broken))
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if line.startswith(str(broken))]
    assert lines, result.stdout
    assert all(line.count(":") >= 3 for line in lines)
    assert any("missing" in line for line in lines)
    assert "Traceback" not in result.stderr


def test_db_upgrade_and_demo_load_are_idempotent(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}", "SECRET_KEY": "s" * 40}
    for _attempt in range(2):
        assert _run("db", "upgrade", env=env).returncode == 0
        loaded = _run("demo", "load", env=env)
        assert loaded.returncode == 0, loaded.stderr
        assert f"{len(bundled_paths())} open surveys" in loaded.stdout
