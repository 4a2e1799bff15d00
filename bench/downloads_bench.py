"""Benchmark: the responses download stays flat in memory from 10,000 to 100,000 rows.

For each size, a temporary SQLite database gets one closed wave of the parent
survey with that many submitted responses (Core bulk inserts: about 13 answers
each, a third with free text). Then, each in a fresh process so peak RSS means
something, the CSV download (``exports.csv_text`` over the responses'
``csv_lines``, as the view streams it) and the XLSX download (``write_xlsx`` over
``response_rows`` into a spooled temporary file)
are run to the end (after the word lists redaction reads once per process are
loaded). Printed per run: rows, seconds, peak RSS growth over the
process after setup, and (with ``--tracemalloc``) the Python heap's peak.

Times are given both as wall seconds and as process CPU seconds (robust to
other work on a shared machine). ``--keep DIR`` keeps the built databases for
the next run (building 100,000 responses takes minutes).

Run: .venv/bin/python bench/downloads_bench.py [--sizes 10000 100000] [--formats csv xlsx]
     [--tracemalloc] [--keep bench/out/downloads] [--json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

COMMENTS = [
    "We waited far too long for the EHC plan and nobody replied to my emails.",
    "The SENCO has been brilliant and really listens to us.",
    '=HYPERLINK("http://example.org","a formula in free text")',
    "Communication from the council is poor; calls go unanswered.",
    "Please call me on 07700 900123 about my son Jacob.",
]


def build(path: Path, rows: int) -> None:
    """A migrated SQLite database with one closed wave of ``rows`` responses."""
    from sqlalchemy import insert

    from feedback_app import create_app, db
    from feedback_app.definitions import questionnaire_for
    from feedback_app.migrate import upgrade
    from feedback_app.models import Base
    from feedback_app.review.publishing import publish_version, schedule_wave
    from feedback_app.staff.areas import create_area
    from surveys.library import bundled_questionnaires
    from surveys.model import AnswerType

    url = f"sqlite:///{path}"
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-" + "x" * 40})
    response_table = Base.metadata.tables["response"]
    answer_table = Base.metadata.tables["answer"]
    rng = random.Random(1)
    with app.app_context():
        session = db.session()
        area = create_area(session, slug="bench", name="Bench SEND Partnership")
        area.localities = [["north", "North"], ["south", "South"]]
        version = publish_version(session, area, bundled_questionnaires()["parent_annual"])
        now = dt.datetime.now(dt.UTC)
        wave = schedule_wave(
            session, version=version, name="Bench wave",
            opens_at=now - dt.timedelta(days=60), closes_at=now - dt.timedelta(days=1),
        )  # fmt: skip
        session.commit()
        questions = questionnaire_for(version).questions()
        engine = app.extensions["db_engine"]
        batch = 5_000
        with engine.begin() as connection:
            for start in range(0, rows, batch):
                ids = range(start + 1, min(start + batch, rows) + 1)
                moment = now - dt.timedelta(days=30)
                connection.execute(
                    insert(response_table),
                    [
                        {
                            "id": i,
                            "wave_id": wave.id,
                            "version_id": version.id,
                            "token_hash": f"{i:064x}",
                            "status": "submitted",
                            "channel": "paper" if i % 12 == 0 else "online",
                            "language": "en",
                            "started_at": moment,
                            "updated_at": moment,
                            "submitted_at": moment,
                            "review": "",
                            "rate_count": 0,
                        }
                        for i in ids
                    ],
                )
                answers = []
                for i in ids:
                    for q in questions:
                        if q.is_closed and q.options:
                            codes = [o.code for o in q.options]
                            if q.type is AnswerType.MULTIPLE:
                                value: object = rng.sample(codes, k=min(2, len(codes)))
                            else:
                                value = rng.choice(codes)
                        elif q.type is AnswerType.TEXT and rng.random() < 0.35:
                            value = rng.choice(COMMENTS)
                        else:
                            continue
                        answers.append(
                            {
                                "response_id": i,
                                "question_id": q.id,
                                "value": value,
                                "updated_at": moment,
                            }
                        )
                connection.execute(insert(answer_table), answers)
    app.extensions["db_engine"].dispose()


def run(path: Path, fmt: str, *, trace: bool) -> dict[str, object]:
    """One download to the end; returns what was measured."""
    from sqlalchemy import select

    from analysis.redaction import everyday_words, first_names
    from feedback_app import create_app, db
    from feedback_app.models import Wave
    from feedback_app.results.downloads import responses as downloads
    from feedback_app.web.exports import csv_text

    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "bench-" + "x" * 40})
    with app.test_request_context():
        session = db.session()
        waves = list(session.scalars(select(Wave)))
        columns = downloads.response_columns(waves)
        covering = downloads.snapshot(session, waves)
        zone = ZoneInfo("Europe/London")
        # Read the word lists redaction loads once per process (a server has them
        # after its first comment), so the time and RSS growth are the download's.
        first_names()
        everyday_words()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        cpu_started = time.process_time()
        size = 0
        if fmt == "csv":
            lines = downloads.csv_lines(
                session, waves, columns=columns, covering=covering, zone=zone
            )
            for chunk in csv_text(lines):
                size += len(chunk.encode("utf-8"))
        else:
            rows = downloads.response_rows(
                session, waves, columns=columns, covering=covering, zone=zone
            )
            with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as target:
                downloads.write_xlsx(rows, target, columns=columns)
                size = target.tell()
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        heap = tracemalloc.get_traced_memory()[1] if trace else None
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "format": fmt,
        "rows": covering.rows,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "bytes": size,
        "rss_growth_mb": round((after - before) / 1024, 1),
        "peak_rss_mb": round(after / 1024, 1),
        "heap_peak_mb": round(heap / 1024 / 1024, 1) if heap is not None else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--formats", nargs="+", default=["csv", "xlsx"])
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument(
        "--keep",
        type=Path,
        help="build the databases in this folder and reuse them on the next run",
    )
    parser.add_argument("--json", action="store_true", help="print JSON lines only")
    parser.add_argument("--run", nargs=2, metavar=("DB", "FORMAT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        print(json.dumps(run(Path(args.run[0]), args.run[1], trace=args.tracemalloc)))
        return
    from figures import record

    measured: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        for size in args.sizes:
            path = folder / f"bench_{size}.sqlite"
            if not path.exists():
                started = time.perf_counter()
                build(path.with_suffix(".building"), size)
                path.with_suffix(".building").rename(path)
                if not args.json:
                    print(f"built {size:,} responses in {time.perf_counter() - started:.1f} s")
            for fmt in args.formats:
                command = [sys.executable, __file__, "--run", str(path), fmt]
                if args.tracemalloc:
                    command.append("--tracemalloc")
                out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
                line = out.stdout.strip().splitlines()[-1]
                measured.setdefault(fmt, {})[str(size)] = json.loads(line)
                print(line, flush=True)
    record("downloads", measured)


if __name__ == "__main__":
    main()
