"""A bare Flask "hello world": the ceiling the answer-save POST is compared with.

Served by run_all.py with the same gunicorn configuration as the application
(``gunicorn -c deploy/gunicorn.conf.py --pythonpath bench/load hello:app``).
"""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
