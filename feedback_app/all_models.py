"""Import every model module, so Alembic and tests see the whole schema."""

from feedback_app import models, results_models, staff_models, workspace_models
from feedback_app.models import Base

__all__ = ["Base", "models", "results_models", "staff_models", "workspace_models"]
