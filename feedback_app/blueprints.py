"""Every blueprint, registered in one place: respondents and the public first,
then the staff workspace, then officers' results."""

from __future__ import annotations

from flask import Flask

from feedback_app.web import health


def register_blueprints(app: Flask) -> None:
    """Register every feature's blueprint and the staff navigation on ``app``."""
    from feedback_app.actions.views import bp as actions_bp
    from feedback_app.actions.views import public_bp as actions_public_bp
    from feedback_app.api.token_views import bp as api_tokens_bp
    from feedback_app.api.views import bp as api_bp
    from feedback_app.collection.views import bp as collection_bp
    from feedback_app.data_protection.views import bp as data_protection_bp
    from feedback_app.designer.views import bp as designer_bp
    from feedback_app.distribution.views import bp as distribution_bp
    from feedback_app.distribution.views import public_bp as distribution_public_bp
    from feedback_app.imports.views import bp as imports_bp
    from feedback_app.monitor.views import bp as monitor_bp
    from feedback_app.plan.actions.views import bp as plan_actions_bp
    from feedback_app.plan.benchmarks.views import bp as plan_benchmarks_bp
    from feedback_app.plan.statuses.views import bp as plan_statuses_bp
    from feedback_app.plan.views import bp as plan_bp
    from feedback_app.public.views import bp as public_bp
    from feedback_app.quality.views import bp as quality_bp
    from feedback_app.respond.views import bp as respond_bp
    from feedback_app.results.board.views import bp as results_bp
    from feedback_app.results.compare.views import bp as compare_bp
    from feedback_app.results.downloads.views import bp as downloads_bp
    from feedback_app.results.themes.views import bp as themes_bp
    from feedback_app.results.wave.views import bp as wave_results_bp
    from feedback_app.review.views import bp as review_bp
    from feedback_app.sending.staff_update_views import bp as updates_bp
    from feedback_app.sending.update_views import public_bp as updates_public_bp
    from feedback_app.sending.views import bp as sending_bp
    from feedback_app.staff.navigation import staff_links
    from feedback_app.staff.second_factor_views import bp as two_step_bp
    from feedback_app.staff.sso_views import bp as sso_bp
    from feedback_app.staff.views import bp as staff_bp
    from feedback_app.translating.views import bp as translating_bp

    for blueprint in (
        # Respondents and the public.
        health.bp,
        public_bp,
        respond_bp,
        distribution_public_bp,
        actions_public_bp,
        updates_public_bp,
        # The staff workspace.
        staff_bp,
        sso_bp,
        two_step_bp,
        translating_bp,
        designer_bp,
        review_bp,
        distribution_bp,
        sending_bp,
        updates_bp,
        collection_bp,
        monitor_bp,
        quality_bp,
        # Officers' results, and the plan they measure.
        plan_bp,
        results_bp,
        compare_bp,
        themes_bp,
        wave_results_bp,
        downloads_bp,
        imports_bp,
        actions_bp,
        plan_statuses_bp,
        plan_actions_bp,
        plan_benchmarks_bp,
        data_protection_bp,
        api_tokens_bp,
        # The read-only results API (bearer tokens, no session).
        api_bp,
    ):
        app.register_blueprint(blueprint)
    app.add_template_global(staff_links)
