"""The web application: respondent journey, staff workspace and storage."""

from __future__ import annotations

from typing import Any

from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

from feedback_app import db
from feedback_app.blueprints import register_blueprints
from feedback_app.config import PROJECT_DIR, from_environment
from feedback_app.extensions import compress, csrf
from feedback_app.web import (
    errors,
    i18n,
    jinja_imports,
    layout,
    logging_config,
    security,
    session_cookie,
    static_files,
)
from feedback_app.web.links import PublicLinksFlask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application; ``config`` overrides settings from the environment."""
    app = PublicLinksFlask(
        __name__,
        template_folder=str(PROJECT_DIR / "templates"),
        static_folder="static",
        instance_path=str(PROJECT_DIR / "instance"),
    )
    app.config.from_mapping(from_environment().flask_config())
    if config:
        app.config.from_mapping(config)
    app.jinja_loader = ChoiceLoader(
        [
            app.jinja_loader,  # type: ignore[list-item]
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.template_class = jinja_imports.FastImportTemplate

    db.init_app(app)
    csrf.init_app(app)
    WTFormsHelpers(app)
    i18n.init_app(app)
    security.init_app(app)
    session_cookie.init_app(app)
    layout.init_app(app)
    static_files.init_app(app)
    compress.init_app(app)
    errors.init_app(app)
    logging_config.init_app(app)

    register_blueprints(app)
    return app
