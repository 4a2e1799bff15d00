"""The Flask extensions the application uses, made once and bound in ``create_app``.

They live here rather than in ``feedback_app/__init__.py`` so a feature module can
import ``csrf`` (to exempt a route) without importing the application factory.
"""

from __future__ import annotations

from flask_compress import Compress
from flask_wtf import CSRFProtect

csrf = CSRFProtect()
compress = Compress()
