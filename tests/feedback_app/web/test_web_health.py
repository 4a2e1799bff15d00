"""``/healthz`` for load balancers, and the production settings it is served with.

The health check says 200 only when the database answers and 503 (not a 500
error page) when it does not; the settings refuse to start in production with
a development secret; the gunicorn configuration imports and reads its
environment; built assets are served with a year's cache lifetime.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from flask import Flask

from feedback_app import create_app
from feedback_app.config import DEVELOPMENT_SECRET, ConfigError, from_environment
from feedback_app.web.layout import asset_url

GUNICORN_CONF = Path(__file__).resolve().parents[3] / "deploy" / "gunicorn.conf.py"
STRONG_SECRET = "s" * 48


def test_health_is_ok_when_the_database_answers(app: Flask) -> None:
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Request-ID"]


def test_health_is_503_when_the_database_is_unreachable() -> None:
    # Nothing listens on port 1: the connection is refused at once.
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": STRONG_SECRET,
            "DATABASE_URL": "postgresql+psycopg://nobody:nothing@127.0.0.1:1/none"
            "?connect_timeout=2",
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable"}
    assert "127.0.0.1" not in response.get_data(as_text=True)


@pytest.mark.parametrize("secret", [None, "", DEVELOPMENT_SECRET, "short-but-not-empty"], ids=repr)
def test_production_refuses_a_development_or_weak_secret(secret: str | None) -> None:
    env = {"FEEDBACK_ENV": "production"}
    if secret is not None:
        env["SECRET_KEY"] = secret
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        from_environment(env)


def test_production_settings_are_safe() -> None:
    settings = from_environment(
        {
            "FEEDBACK_ENV": "production",
            "SECRET_KEY": STRONG_SECRET,
            "DATABASE_URL": "postgres://app:pw@db.internal/feedback",
            "PUBLIC_BASE_URL": "https://feedback.example.gov.uk",
        }
    )
    config = settings.flask_config()
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["WTF_CSRF_SSL_STRICT"] is True
    assert settings.database_url == "postgresql+psycopg://app:pw@db.internal/feedback"
    # Development keeps working with no environment at all.
    assert from_environment({}).secret_key == DEVELOPMENT_SECRET


def _load_gunicorn_conf(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> ModuleType:
    for name in ("PORT", "BIND", "WEB_CONCURRENCY", "GUNICORN_THREADS", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("gunicorn_conf", GUNICORN_CONF)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gunicorn_config_imports_and_reads_its_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    default = _load_gunicorn_conf(monkeypatch, {})
    assert default.bind == ["127.0.0.1:8000"]
    assert default.workers >= 2 and default.threads >= 1
    assert default.accesslog is None, "the app writes its own access line without paths"
    assert default.logconfig_dict["formatters"]["json"]
    custom = _load_gunicorn_conf(
        monkeypatch, {"BIND": "0.0.0.0:9000", "WEB_CONCURRENCY": "3", "GUNICORN_THREADS": "2"}
    )
    assert custom.bind == ["0.0.0.0:9000"]
    assert (custom.workers, custom.threads) == (3, 2)
    assert _load_gunicorn_conf(monkeypatch, {"PORT": "8123"}).bind == ["0.0.0.0:8123"]


def test_fingerprinted_assets_are_cached_for_a_year(app: Flask) -> None:
    with app.test_request_context():
        url = asset_url("app.js")
    assert "?v=" in url
    response = app.test_client().get(url)
    if response.status_code == 404:
        pytest.skip("assets not built (make assets)")
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_asset_urls_are_kept_per_mount_point(app: Flask) -> None:
    # Built once and kept: a second request under another SCRIPT_NAME gets its own.
    with app.test_request_context(base_url="http://localhost/feedback"):
        mounted = asset_url("app.js")
    with app.test_request_context():
        plain = asset_url("app.js")
    with app.test_request_context(base_url="http://localhost/feedback"):
        assert asset_url("app.js") == mounted
    assert mounted.startswith("/feedback/static/dist/app.js?v=")
    assert plain.startswith("/static/dist/app.js?v=")


def test_warm_up_imports_the_results_libraries_a_worker_would_import_on_first_use(
    tmp_path: Path,
) -> None:
    """The gunicorn master imports them once, so no forked worker's first board
    report, workbook or themes page pays for it; ``create_app`` alone still does not."""
    import json
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[3]
    script = (
        "import json, sys\n"
        "from feedback_app import create_app\n"
        "from feedback_app.web.health import warm_up\n"
        f"app = create_app({{'SECRET_KEY': 's' * 48, 'DATABASE_URL': 'sqlite:///{tmp_path}/w.db'}})\n"
        "before = {m.split('.')[0] for m in sys.modules}\n"
        "done = warm_up(app)\n"
        "after = {m.split('.')[0] for m in sys.modules}\n"
        "print(json.dumps([done, sorted(before), sorted(after)]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
    )
    done, before, after = json.loads(result.stdout.strip().splitlines()[-1])
    heavy = {"pandas", "scipy", "weasyprint", "openpyxl", "textblob"}
    assert not heavy & set(before)
    assert heavy <= set(after)
    assert done["libraries"] == 9
    assert done["first_names"] > 1000  # the redaction's name list is read once, here
