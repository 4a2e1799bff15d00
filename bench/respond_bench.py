"""Benchmark: application CPU per answer save and per question page view.

The application is called in process through Flask's test client (no gunicorn,
no network), on a migrated database with the demo loaded, exactly as a browser
would: CSRF token from the page, the hidden bot-signal fields, the session
cookie. Like the load run's SaveHammer, the saves cycle over ``--sessions``
responses so none reaches the per-response save limit.

What is measured is **process CPU time** (``time.process_time``), not wall
time: on a machine shared with other work the CPU a request costs does not
depend on how busy the neighbours are. Two figures per step: the application's
CPU, counted inside the WSGI call (``ApplicationCPU``: from the call to the last
byte of the body, as a server would spend it), and the total with the test
client's own work (building the WSGI environ, the cookie jar, reading the reply),
which no server pays. Issue 17's targets are for the first. ``--profile`` prints the cProfile
summary of the save loop (the "before/after" tables in docs/production.md).

Run: .venv/bin/python bench/respond_bench.py [--backend sqlite|postgresql] [--saves 600]
     [--views 600] [--profile] [--json]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import json
import pstats
import re
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SLUG = "demo-parent-annual"
PAGE = "trust_confidence"
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
#: Lines of the profile shown: the application's own code and the libraries' big steps.
PROFILE_FILTER = (
    r"feedback_app|templating.py.*render_template|session.py.*(commit|execute)|csrf|sessions.py"
)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


class ApplicationCPU:
    """WSGI middleware adding up the CPU spent inside the application.

    The body is read inside the call, so streamed or compressed bodies count too.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.spent = 0.0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        started = time.process_time()
        body = self.app(environ, start_response)
        try:
            chunks = list(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        self.spent += time.process_time() - started
        return chunks


def measure(
    url: str,
    *,
    saves: int,
    views: int,
    sessions: int,
    profile: bool,
    sort: str = "cumulative",
    pattern: str = PROFILE_FILTER,
) -> dict[str, Any]:
    """CPU ms per save and per page view on the database at ``url``."""
    from feedback_app import create_app, db
    from feedback_app.demo.loading import load_demo

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-" + "x" * 40})
    with app.app_context():
        load_demo(db.session())
    clients = []
    for _ in range(sessions):
        client = app.test_client()
        html = client.get(f"/s/{SLUG}").get_data(as_text=True)
        client.post(f"/s/{SLUG}/start", data={"csrf_token": TOKEN.search(html).group(1)})
        page = client.get(f"/s/{SLUG}/q/{PAGE}").get_data(as_text=True)
        fields = dict(HIDDEN.findall(page))
        fields["csrf_token"] = TOKEN.search(page).group(1)
        clients.append((client, fields))
    inside = ApplicationCPU(app.wsgi_app)
    app.wsgi_app = inside  # type: ignore[method-assign]
    turn = itertools.cycle(clients)
    path = f"/s/{SLUG}/q/{PAGE}"

    def save(i: int) -> None:
        client, fields = next(turn)
        answer = "agree" if i % 2 else "disagree"
        reply = client.post(path, data={**fields, PAGE: answer})
        assert reply.status_code == 302, reply.status_code

    def view(_i: int) -> None:
        client, _fields = next(turn)
        reply = client.get(path)
        assert reply.status_code == 200, reply.status_code

    result: dict[str, Any] = {}
    for name, step, count in (("page view", view, views), ("answer save", save, saves)):
        for i in range(min(50, count)):  # warm-up: caches, pools, imports
            step(i)
        profiler = cProfile.Profile() if profile else None
        inside.spent = 0.0
        started = time.process_time()
        if profiler:
            profiler.enable()
        for i in range(count):
            step(i)
        if profiler:
            profiler.disable()
        total = time.process_time() - started
        result[name] = round(inside.spent * 1000 / count, 2)
        result[f"{name} with test client"] = round(total * 1000 / count, 2)
        if profiler:
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats(sort).print_stats(pattern, 40)
            result[f"{name} profile"] = out.getvalue()
    app.extensions["db_engine"].dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--saves", type=int, default=600)
    parser.add_argument("--views", type=int, default=600)
    parser.add_argument("--sessions", type=int, default=16)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--profile-sort", default="cumulative", help="cProfile order (e.g. tottime)"
    )
    parser.add_argument(
        "--profile-filter", default=PROFILE_FILTER, help="regular expression of lines shown"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON line only")
    args = parser.parse_args()
    from databases import fresh_database

    with fresh_database(args.backend) as url:
        result = measure(
            url,
            saves=args.saves,
            views=args.views,
            sessions=args.sessions,
            profile=args.profile,
            sort=args.profile_sort,
            pattern=args.profile_filter,
        )
    if not args.profile:  # the profiler's overhead would inflate the recorded figures
        from figures import record

        record(
            f"respond_{args.backend}",
            {k: v for k, v in result.items() if not k.endswith("profile")} | {"saves": args.saves},
        )
    if args.json:
        print(json.dumps({"backend": args.backend, **result}))
        return
    for key, value in result.items():
        if key.endswith("profile"):
            print(f"--- {key} ---\n{value}")
    print(
        f"{args.backend}: application CPU: page view {result['page view']} ms,"
        f" answer save {result['answer save']} ms (with the test client:"
        f" {result['page view with test client']} ms, {result['answer save with test client']} ms)"
    )


if __name__ == "__main__":
    main()
