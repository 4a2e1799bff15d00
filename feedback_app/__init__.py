"""The web application: respondent journey, staff workspace and storage."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_compress import Compress
from flask_wtf import CSRFProtect
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

from feedback_app import db, errors, i18n, layout, security, static_files
from feedback_app.config import PROJECT_DIR, from_environment

csrf = CSRFProtect()
compress = Compress()


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application; ``config`` overrides settings from the environment."""
    app = Flask(
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

    from feedback_app.collection.views import bp as collection_bp
    from feedback_app.designer.views import bp as designer_bp
    from feedback_app.distribution.views import bp as distribution_bp
    from feedback_app.distribution.views import public_bp as distribution_public_bp
    from feedback_app.monitor.views import bp as monitor_bp
    from feedback_app.public.views import bp as public_bp
    from feedback_app.respond.views import bp as respond_bp
    from feedback_app.review.views import bp as review_bp
    from feedback_app.staff.navigation import staff_links
    from feedback_app.staff.views import bp as staff_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(respond_bp)
    app.register_blueprint(staff_bp)
    from feedback_app.translating.views import bp as translating_bp

    app.register_blueprint(translating_bp)
    app.register_blueprint(designer_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(distribution_bp)
    app.register_blueprint(distribution_public_bp)
    app.register_blueprint(collection_bp)
    app.register_blueprint(monitor_bp)
    app.add_template_global(staff_links)
    return app
