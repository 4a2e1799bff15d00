"""The respondent question page while 16 threads try made-up e-mails at sign-in.

Issue 11 (part 4): each made-up e-mail used to cost a full Argon2id check, so a
sign-in flood slowed every respondent. This script measures the page a
respondent sees most (a question page of the event survey) with no attack, then
under the attack, and prints median and p95 of each.

It prepares a fresh SQLite database with the demo, starts gunicorn with the
production configuration (``deploy/gunicorn.conf.py``) on 127.0.0.1 from
``--source`` (default: this checkout; pass an older checkout to measure
"before"), and runs for a bounded time:

- **measure**: one respondent thread, GET the question page, 0.1 s pause, repeat;
- **attack**: ``--threads`` threads POST ``/staff/login`` with random e-mails and
  passwords as fast as answers come back. ``--clients one`` sends them all from
  127.0.0.1; ``--clients many`` gives each POST a random ``X-Forwarded-For``
  (127.0.0.1 is the trusted proxy), i.e. a distributed attack the per-client
  throttle cannot stop, leaving the bound on concurrent checks to do the work.

Run::

    .venv/bin/python bench/signin_attack.py --seconds 30 --clients one
    .venv/bin/python bench/signin_attack.py --seconds 30 --clients many
    .venv/bin/python bench/signin_attack.py --seconds 30 --source /path/to/old/checkout
    .venv/bin/python bench/signin_attack.py --seconds 30 --control   # GET /healthz flood

Writes the figures as JSON to bench/out/signin_attack-<label>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import gunicorn_process
import requests

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
EVENT = "demo-event-feedback"
PAGE = f"/s/{EVENT}/q/event_useful"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PREPARE = """
from feedback_app import create_app, db
from feedback_app.demo.loading import load_demo
from feedback_app.migrate import upgrade
import os
url = os.environ["DATABASE_URL"]
upgrade(url)
app = create_app({"DATABASE_URL": url})
with app.app_context():
    load_demo(db.session())
"""


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _summary(latencies: list[float]) -> dict[str, Any]:
    if not latencies:
        return {"requests": 0}
    return {
        "requests": len(latencies),
        "median_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(_percentile(latencies, 0.95) * 1000, 1),
    }


class Server:
    """gunicorn (production configuration) on a fresh SQLite database with the demo."""

    def __init__(self, source: Path, workdir: Path) -> None:
        self.source = source
        self.port = gunicorn_process.free_port()
        self.env = {
            **os.environ,
            "PYTHONPATH": str(source),
            "DATABASE_URL": f"sqlite:///{workdir / 'attack.sqlite'}",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "BIND": f"127.0.0.1:{self.port}",
        }
        self.log = workdir / "gunicorn.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        subprocess.run([sys.executable, "-c", PREPARE], cwd=self.source, env=self.env, check=True)
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    str(VENV_BIN / "gunicorn"),
                    "-c",
                    str(self.source / "deploy" / "gunicorn.conf.py"),
                ],
                cwd=self.source,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        if gunicorn_process.answers_within(self.url + "/healthz", seconds=90, pause=0.3):
            return self
        raise RuntimeError(f"gunicorn did not start; see {self.log}")

    def __exit__(self, *_exc: object) -> None:
        gunicorn_process.stop(self.process)


def started_response(base: str) -> requests.Session:
    """A respondent's browser with a response started (before any attack begins)."""
    session = requests.Session()
    page = session.get(f"{base}/s/{EVENT}", timeout=30).text
    token = CSRF.search(page)
    assert token, "no CSRF token on the start page"
    session.post(f"{base}/s/{EVENT}/start", data={"csrf_token": token.group(1)}, timeout=30)
    return session


def respondent(
    base: str, session: requests.Session, stop: threading.Event, latencies: list[float],
    failures: Counter[str],
) -> None:  # fmt: skip
    """View the response's first question page until ``stop``, 0.1 s apart."""
    while not stop.is_set():
        began = time.perf_counter()
        try:
            response = session.get(base + PAGE, timeout=60)
        except requests.RequestException as error:
            failures[type(error).__name__] += 1
            continue
        if response.status_code == 200:
            latencies.append(time.perf_counter() - began)
        else:
            failures[str(response.status_code)] += 1
        time.sleep(0.1)


def attacker(
    base: str, stop: threading.Event, statuses: Counter[int], *, many: bool, control: bool
) -> None:
    """POST sign-ins with made-up e-mails as fast as the server answers.

    ``control``: GET ``/healthz`` instead, as fast (what any flood of cheap
    requests costs, with no password check at all).
    """
    session = requests.Session()
    if control:
        while not stop.is_set():
            try:
                statuses[session.get(f"{base}/healthz", timeout=60).status_code] += 1
            except requests.RequestException:
                statuses[0] += 1
        return
    page = session.get(f"{base}/staff/login", timeout=30).text
    token = CSRF.search(page)
    assert token, "no CSRF token on the sign-in page"
    while not stop.is_set():
        headers = {}
        if many:
            headers["X-Forwarded-For"] = ".".join(str(random.randint(1, 254)) for _ in range(4))
        data = {
            "csrf_token": token.group(1),
            "email": f"{secrets.token_hex(6)}@made-up.example",
            "password": secrets.token_urlsafe(12),
        }
        try:
            response = session.post(f"{base}/staff/login", data=data, headers=headers, timeout=60)
            statuses[response.status_code] += 1
        except requests.RequestException:
            statuses[0] += 1


def phase(
    base: str, seconds: float, *, threads: int, many: bool, control: bool = False
) -> dict[str, Any]:
    """Measure the respondent page for ``seconds`` with ``threads`` attackers."""
    stop = threading.Event()
    latencies: list[float] = []
    failures: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    session = started_response(base)
    workers = [
        threading.Thread(
            target=respondent, args=(base, session, stop, latencies, failures), daemon=True
        )
    ]
    workers += [
        threading.Thread(
            target=attacker,
            args=(base, stop, statuses),
            kwargs={"many": many, "control": control},
            daemon=True,
        )
        for _ in range(threads)
    ]
    for worker in workers:
        worker.start()
    time.sleep(seconds)
    stop.set()
    for worker in workers:
        worker.join(90)
    return {
        **_summary(latencies),
        "page_failures": dict(failures),
        "sign_in_posts": sum(statuses.values()),
        "sign_in_statuses": dict(sorted(statuses.items())),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, default=ROOT, help="checkout to serve")
    parser.add_argument("--seconds", type=float, default=30, help="length of each phase")
    parser.add_argument("--threads", type=int, default=16, help="attacking threads")
    parser.add_argument("--clients", choices=("one", "many"), default="one")
    parser.add_argument(
        "--control", action="store_true", help="flood GET /healthz instead (no sign-in)"
    )
    parser.add_argument("--label", default="", help="name for the output file")
    args = parser.parse_args(argv)
    if not 1 <= args.seconds <= 600 or not 0 <= args.threads <= 64:
        parser.error("--seconds must be 1-600 and --threads 0-64")
    with (
        tempfile.TemporaryDirectory() as workdir,
        Server(args.source.resolve(), Path(workdir)) as server,
    ):
        requests.get(server.url + PAGE, timeout=30)  # warm up
        quiet = phase(server.url, args.seconds, threads=0, many=False)
        attacked = phase(
            server.url,
            args.seconds,
            threads=args.threads,
            many=args.clients == "many",
            control=args.control,
        )
    result = {
        "source": str(args.source.resolve()),
        "threads": args.threads,
        "clients": args.clients,
        "control": args.control,
        "seconds": args.seconds,
        "no_attack": quiet,
        "attack": attacked,
    }
    out = ROOT / "bench" / "out" / f"signin_attack-{args.label or args.clients}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
