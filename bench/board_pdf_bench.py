"""Benchmark: the board report PDF of the demo comparison (issue 17 target 3, ≤ 3 s).

Builds a temporary SQLite database with the demo as ``make run`` loads it (the
demo area, its plan and three closed waves of 1,000 responses each), signs in as
an officer through the Flask test client and asks for
``/staff/demo/results/report.pdf`` comparing the baseline with the follow-up and
the repeat wave, as the Downloads page does. The process is first readied as
gunicorn's master readies it before forking workers (``web.health.warm_up``:
templates compiled, the results libraries imported). Printed: the first request
(**cold**: the process's first PDF; the result cache is empty, so the figures are
worked out, charts drawn and every page laid out), the median of
three more (**warm**: figures from the result cache; WeasyPrint still lays the
document out), one more after emptying the result cache, wall and process CPU
seconds, the pages and the size. ``bench/figures.py`` shows the cold wall time
against the target.

Run: .venv/bin/python bench/board_pdf_bench.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import select  # noqa: E402
from staff_client import signed_in_client  # noqa: E402

from feedback_app import create_app, db  # noqa: E402
from feedback_app.demo.loading import load_demo, load_demo_staff  # noqa: E402
from feedback_app.demo.results import load_demo_results  # noqa: E402
from feedback_app.migrate import upgrade  # noqa: E402
from feedback_app.models import LocalArea, ResultCache, Wave  # noqa: E402
from feedback_app.staff.accounts import create_user  # noqa: E402
from feedback_app.staff.roles import Role  # noqa: E402
from feedback_app.web.health import warm_up  # noqa: E402

EMAIL = "bench-officer@demo.example"
PASSWORD = "correct horse battery staple"
WAVES = ("demo-results-baseline", "demo-results-follow-up", "demo-results-repeat")


def _timed(client: object, path: str) -> tuple[float, float, bytes]:
    """Wall seconds, process CPU seconds and the body of one GET."""
    wall, cpu = time.perf_counter(), time.process_time()
    response = client.get(path)  # type: ignore[attr-defined]
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if response.status_code != 200 or response.mimetype != "application/pdf":
        raise SystemExit(f"{path}: HTTP {response.status_code} {response.mimetype}")
    return wall, cpu, response.data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="warm requests (median shown)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        upgrade(url)
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-" + "x" * 40})
        started = time.perf_counter()
        with app.app_context():
            session = db.session()
            # What `feedback-app demo load` (make run) does.
            load_demo(session)
            load_demo_staff(session)
            load_demo_results(session)
            print(f"demo loaded in {time.perf_counter() - started:.1f} s", flush=True)
            area = session.scalars(select(LocalArea).filter_by(slug="demo")).one()
            create_user(session, area=area, email=EMAIL, role=Role.OFFICER, password=PASSWORD)
            ids = {w.slug: w.id for w in session.scalars(select(Wave).where(Wave.slug.in_(WAVES)))}
            session.commit()
        # As gunicorn's master does before it forks a worker (deploy/gunicorn.conf.py).
        warm_up(app)
        client = signed_in_client(app, EMAIL, PASSWORD)
        path = (
            f"/staff/demo/results/report.pdf?baseline={ids[WAVES[0]]}"
            f"&follow_up={ids[WAVES[1]]}&follow_up={ids[WAVES[2]]}"
        )
        cold_wall, cold_cpu, body = _timed(client, path)
        warm = [_timed(client, path) for _ in range(args.repeat)]
        # Cold figures in a process that has imported WeasyPrint and drawn a PDF once.
        with app.app_context():
            db.session().query(ResultCache).delete()
            db.session().commit()
        cleared_wall, cleared_cpu, _ = _timed(client, path)
        app.extensions["db_engine"].dispose()
    import pikepdf  # a development dependency, as the benchmarks are

    pages = len(pikepdf.open(io.BytesIO(body)).pages)
    figures = {
        "seconds": round(cold_wall, 2),
        "cpu_seconds": round(cold_cpu, 2),
        "warm_seconds": round(statistics.median(w for w, _, _ in warm), 2),
        "warm_cpu_seconds": round(statistics.median(c for _, c, _ in warm), 2),
        "cache_cleared_seconds": round(cleared_wall, 2),
        "cache_cleared_cpu_seconds": round(cleared_cpu, 2),
        "pages": pages,
        "bytes": len(body),
    }
    print("| board report PDF, demo comparison | wall s | CPU s |")
    print("|---|---:|---:|")
    print(f"| cold (first PDF, empty result cache) | {figures['seconds']} | {cold_cpu:.2f} |")
    print(f"| result cache emptied, process warm | {cleared_wall:.2f} | {cleared_cpu:.2f} |")
    print(
        f"| warm (median of {args.repeat}) | {figures['warm_seconds']} "
        f"| {figures['warm_cpu_seconds']} |"
    )
    print(f"{pages} pages, {len(body):,} bytes")
    from figures import record

    record("board_pdf", figures)


if __name__ == "__main__":
    main()
