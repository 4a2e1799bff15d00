"""The web application: respondent journey, staff workspace and storage."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_compress import Compress
from flask_wtf import CSRFProtect
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

from feedback_app import db, errors, health, i18n, layout, logging_config, security, static_files
from feedback_app.config import PROJECT_DIR, from_environment
from feedback_app.links import PublicLinksFlask

csrf = CSRFProtect()
compress = Compress()


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

    db.init_app(app)
    csrf.init_app(app)
    WTFormsHelpers(app)
    i18n.init_app(app)
    security.init_app(app)
    layout.init_app(app)
    static_files.init_app(app)
    compress.init_app(app)
    errors.init_app(app)
    logging_config.init_app(app)

    from feedback_app.actions.views import bp as actions_bp
    from feedback_app.actions.views import public_bp as actions_public_bp
    from feedback_app.collection.views import bp as collection_bp
    from feedback_app.data_protection.views import bp as data_protection_bp
    from feedback_app.designer.views import bp as designer_bp
    from feedback_app.distribution.views import bp as distribution_bp
    from feedback_app.distribution.views import public_bp as distribution_public_bp
    from feedback_app.imports.views import bp as imports_bp
    from feedback_app.monitor.views import bp as monitor_bp
    from feedback_app.public.views import bp as public_bp
    from feedback_app.quality.views import bp as quality_bp
    from feedback_app.respond.views import bp as respond_bp
    from feedback_app.results.compare_views import bp as compare_bp
    from feedback_app.results.downloads_views import bp as downloads_bp
    from feedback_app.results.themes_views import bp as themes_bp
    from feedback_app.results.views import bp as results_bp
    from feedback_app.review.views import bp as review_bp
    from feedback_app.staff.navigation import staff_links
    from feedback_app.staff.views import bp as staff_bp
    from feedback_app.translating.views import bp as translating_bp

    for blueprint in (
        # Respondents and the public.
        health.bp,
        public_bp,
        respond_bp,
        distribution_public_bp,
        actions_public_bp,
        # The staff workspace.
        staff_bp,
        translating_bp,
        designer_bp,
        review_bp,
        distribution_bp,
        collection_bp,
        monitor_bp,
        quality_bp,
        # Officers' results.
        results_bp,
        compare_bp,
        themes_bp,
        downloads_bp,
        imports_bp,
        actions_bp,
        data_protection_bp,
    ):
        app.register_blueprint(blueprint)
    app.add_template_global(staff_links)
    return app
