"""Load and durability benchmark: gunicorn + SQLite and + PostgreSQL under locust.

For each database it migrates a fresh database (``alembic upgrade heads``), loads
the demo, starts gunicorn with deploy/gunicorn.conf.py, and runs:

1. **journey**: 100 respondents pausing 1-3 s between pages complete the parent
   survey (bench/load/locustfile.py). p50/p95/p99 of page views and of answer
   saves, errors, and the CPU the gunicorn processes used.
2. **fault**: the same load, and at a third and two thirds of the way through a
   worker is killed with SIGKILL. Respondents whose request failed carry on (retry or resume code).
3. **saturation**: answer-save POSTs with no pauses, against the same server.
4. **scaling** (PostgreSQL only, with ``--parts ...,scaling``): one one-worker
   instance pinned to a core, saturated; then one such instance per core, each
   saturated by its own locust, over the same PostgreSQL (issue 17 target 6).

After runs 1 and 2 every acknowledged answer (the POST was answered with a
redirect) is looked up in the database. A bare Flask "hello world" is then
saturated the same way behind the same gunicorn configuration; the ratio of the
two throughputs is reported.

Run: ``.venv/bin/python bench/load/run_all.py`` (``make bench``); ``--quick`` for
a short smoke run, ``--sweep`` to compare worker/thread counts. PostgreSQL comes
from ``LOAD_POSTGRES_URL`` or ``TEST_DATABASE_URL`` (a role that may create
databases); without either the PostgreSQL runs are skipped. Writes
bench/out/load.json and prints a summary table.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import gunicorn_process  # noqa: E402

OUT = ROOT / "bench" / "out"
WORK = OUT / "load"
VENV_BIN = Path(sys.executable).parent
LOCUSTFILE = ROOT / "bench" / "load" / "locustfile.py"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
SECRET = secrets.token_urlsafe(48)
DEFAULT_POSTGRES = "postgresql://feedback_ci:feedback_ci@127.0.0.1:5432/postgres"
PAGE_KINDS = ("page view",)
SETUP_ALLOWANCE_S = 15
#: Scheduling priority for gunicorn and locust (--nice): on a machine shared with
#: other work, a negative value measures the application rather than its share.
NICE = {"value": 0}


def prioritise(nice: int) -> int:
    """Give this session (run_all, gunicorn, locust) the CPU weight of ``nice``.

    With the kernel's autogroup scheduling each session gets an equal share of
    the CPU whatever its processes' nice values, so on a machine where several
    people run tests the benchmark gets 2/N cores. Setting the session's
    autogroup nice value (root) lets it measure the application instead.
    """
    autogroup = Path("/proc/self/autogroup")
    before = 0
    if autogroup.exists():
        with contextlib.suppress(OSError, ValueError):
            before = int(autogroup.read_text().split("nice")[-1])
            autogroup.write_text(str(nice))
    return before


def _niced(command: list[str]) -> list[str]:
    return ["nice", "-n", str(NICE["value"]), *command] if NICE["value"] else command


SAVE_KINDS = ("answer save",)


# --------------------------------------------------------------------------- databases


def sqlite_database(name: str) -> str:
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"{name}.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def postgres_admin_url() -> str | None:
    url = os.environ.get("LOAD_POSTGRES_URL") or os.environ.get("TEST_DATABASE_URL")
    if not url and _port_open("127.0.0.1", 5432):
        url = DEFAULT_POSTGRES
    return url.replace("postgresql://", "postgresql+psycopg://", 1) if url else None


@contextlib.contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"feedback_load_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def prepare(url: str) -> None:
    """Migrate as a deploy would (alembic upgrade heads) and load the demo area."""
    from feedback_app import create_app, db
    from feedback_app.demo.loading import load_demo
    from feedback_app.migrate import upgrade

    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET})
    with app.app_context():
        load_demo(db.session())
    app.extensions["db_engine"].dispose()


def check_acknowledged(url: str, acknowledged: list[list[Any]]) -> dict[str, int]:
    """Compare what the server acknowledged with what the database holds."""
    from sqlalchemy import create_engine, select

    from feedback_app.models import Answer

    expected: dict[tuple[int, str], Any] = {}
    for response_id, question_id, value in acknowledged:
        expected[(int(response_id), question_id)] = value  # the last one counts
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    stored: dict[tuple[int, str], Any] = {}
    ids = sorted({rid for rid, _q in expected})
    with engine.connect() as conn:
        for start in range(0, len(ids), 500):
            rows = conn.execute(
                select(Answer.response_id, Answer.question_id, Answer.value).where(
                    Answer.response_id.in_(ids[start : start + 500])
                )
            ).all()
            stored.update({(r, q): v for r, q, v in rows})
    engine.dispose()
    missing = [key for key in expected if key not in stored]
    different = [
        key for key in expected if key in stored and _same(stored[key]) != _same(expected[key])
    ]
    return {
        "acknowledged": len(expected),
        "responses": len(ids),
        "missing": len(missing),
        "different": len(different),
    }


def _same(value: Any) -> Any:
    return sorted(value) if isinstance(value, list) else value


# --------------------------------------------------------------------------- servers


def _port_open(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


@dataclass
class Server:
    """gunicorn with the production configuration, on a free local port."""

    name: str
    app: list[str]
    env: dict[str, str]
    port: int = field(default_factory=gunicorn_process.free_port)
    process: subprocess.Popen[bytes] | None = None
    #: Pin the instance (master and workers) to these CPUs (``taskset -c``), or not.
    cpus: str | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        WORK.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "BIND": f"127.0.0.1:{self.port}",
            "SECRET_KEY": SECRET,
            **self.env,
        }
        log = (WORK / f"{self.name}.gunicorn.log").open("wb")
        pinned = ["taskset", "-c", self.cpus] if self.cpus else []
        self.process = subprocess.Popen(
            [*pinned, *_niced([str(VENV_BIN / "gunicorn"), "-c", str(GUNICORN_CONF), *self.app])],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        health = "/healthz" if not self.app else "/"
        if gunicorn_process.answers_within(self.url + health, seconds=60, pause=0.2):
            return self
        raise RuntimeError(f"{self.name}: gunicorn did not become healthy; see its log")

    def __exit__(self, *_exc: object) -> None:
        gunicorn_process.stop(self.process)

    def workers(self) -> list[psutil.Process]:
        assert self.process is not None
        return psutil.Process(self.process.pid).children()


class CpuMeter:
    """CPU seconds used by a set of processes (gunicorn master and workers, locust)."""

    def __init__(self, roots: dict[str, int]) -> None:
        self.roots = roots
        self.first: dict[tuple[str, int], float] = {}
        self.last: dict[tuple[str, int], float] = {}
        self.timeline: list[tuple[float, float]] = []
        self.database = ""
        self.machine_start = psutil.cpu_times()
        self.started = time.monotonic()
        self.stopped = self.started
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def add(self, group: str, pid: int) -> None:
        self.roots[group] = pid

    def watch_database(self, name: str) -> None:
        """Also count the PostgreSQL server processes serving database ``name``."""
        self.database = name

    def _database_processes(self) -> list[psutil.Process]:
        if not self.database:
            return []
        found = []
        for process in psutil.process_iter(["cmdline"]):
            cmdline = " ".join(process.info.get("cmdline") or [])
            if cmdline.startswith("postgres:") and f" {self.database} " in cmdline:
                found.append(process)
        return found

    def _sample(self) -> None:
        for process in self._database_processes():
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                used = times.user + times.system
                self.first.setdefault(("postgres", process.pid), used)
                self.last[("postgres", process.pid)] = used
        for group, pid in list(self.roots.items()):
            try:
                root = psutil.Process(pid)
                processes = [root, *root.children(recursive=True)]
            except psutil.Error:
                continue
            for process in processes:
                with contextlib.suppress(psutil.Error):
                    times = process.cpu_times()
                    used = times.user + times.system
                    self.first.setdefault((group, process.pid), used)
                    self.last[(group, process.pid)] = used
        self.timeline.append((time.time(), self.used("gunicorn")))

    def used(self, group: str) -> float:
        """CPU seconds the group has used since the meter started."""
        return sum(self.last[k] - self.first[k] for k in self.last if k[0] == group)

    def used_between(self, group: str, start: float, end: float) -> float:
        """CPU seconds of gunicorn between two wall-clock times (from the samples)."""
        inside = [used for moment, used in self.timeline if start <= moment <= end]
        return inside[-1] - inside[0] if len(inside) >= 2 else 0.0

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self._sample()

    def __enter__(self) -> CpuMeter:
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._sample()
        self._stop.set()
        self._thread.join()
        self.stopped = time.monotonic()

    def report(self) -> dict[str, float]:
        wall = max(self.stopped - self.started, 1e-9)
        result: dict[str, float] = {"wall_s": round(wall, 1)}
        groups = [*self.roots, *(["postgres"] if self.database else [])]
        for group in groups:
            used = sum(self.last[key] - self.first[key] for key in self.last if key[0] == group)
            result[f"{group}_cpu_s"] = round(used, 1)
            result[f"{group}_cores"] = round(used / wall, 2)
        end = psutil.cpu_times()
        busy = sum(
            getattr(end, f) - getattr(self.machine_start, f)
            for f in ("user", "system", "nice", "irq", "softirq")
        )
        result["machine_cores_busy"] = round(busy / wall, 2)
        return result


# --------------------------------------------------------------------------- locust


def run_locust(
    *,
    host: str,
    user_class: str,
    users: int,
    spawn_rate: float,
    seconds: int,
    out: Path,
    during: Any = None,
    cpu: CpuMeter | None = None,
) -> dict[str, Any]:
    """Run locust headless and return what the locustfile recorded."""
    out.unlink(missing_ok=True)
    command = [
        str(VENV_BIN / "locust"),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--only-summary",
        "--loglevel",
        "ERROR",
        "-u",
        str(users),
        "-r",
        str(spawn_rate),
        "-t",
        f"{seconds}s",
        "--stop-timeout",
        "5",
        "-H",
        host,
        user_class,
    ]
    log = (WORK / f"{out.stem}.locust.log").open("wb")
    process = subprocess.Popen(
        _niced(command), cwd=ROOT, env={**os.environ, "LOAD_OUT": str(out)}, stdout=log, stderr=log
    )
    if cpu is not None:
        cpu.add("locust", process.pid)
    if during is not None:
        during()
    process.wait(timeout=seconds + 120)
    return dict(json.loads(out.read_text()))


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return round(ordered[index], 1)


def summarise(samples: list[list[Any]], kinds: tuple[str, ...]) -> dict[str, Any]:
    chosen = [s for s in samples if s[0] in kinds]
    times = [s[2] for s in chosen if s[3]]
    return {
        "count": len(chosen),
        "errors": sum(1 for s in chosen if not s[3]),
        "p50_ms": percentile(times, 50),
        "p95_ms": percentile(times, 95),
        "p99_ms": percentile(times, 99),
    }


def throughput(samples: list[list[Any]], kind: str, cpu: CpuMeter) -> dict[str, Any]:
    """Successful requests per second once every user has finished its setup,
    and the gunicorn CPU milliseconds each took (independent of other load)."""
    setup_done = max((s[1] + s[2] / 1000 for s in samples if s[0] == "setup"), default=0.0)
    steady_samples = [s for s in samples if s[0] == kind and s[1] >= setup_done]
    chosen = sorted(s[1] for s in steady_samples if s[3])
    errors = sum(1 for s in steady_samples if not s[3])
    if len(chosen) < 10:
        return {"per_s": 0.0, "count": len(chosen), "errors": errors}
    # Leave out the last 5%: users stopping.
    steady = chosen[: len(chosen) - len(chosen) // 20]
    span = max(steady[-1] - steady[0], 1e-9)
    ok = [s[2] for s in steady_samples if s[3]]
    cpu_s = cpu.used_between("gunicorn", steady[0], steady[-1])
    return {
        "per_s": round((len(steady) - 1) / span, 1),
        "gunicorn_cpu_ms_per_request": round(1000 * cpu_s / max(len(steady) - 1, 1), 2),
        "count": len(chosen),
        "errors": errors,
        "p50_ms": percentile(ok, 50),
        "p95_ms": percentile(ok, 95),
        "measured_s": round(span, 1),
    }


def server_errors(log_name: str) -> dict[str, int]:
    """5xx access lines and ERROR lines in the server's JSON log."""
    counts = {"server_5xx": 0, "server_error_lines": 0, "worker_restarts": 0}
    path = WORK / f"{log_name}.gunicorn.log"
    for line in path.read_text(errors="replace").splitlines():
        with contextlib.suppress(ValueError):
            entry = json.loads(line)
            if entry.get("status", 0) >= 500:
                counts["server_5xx"] += 1
            if entry.get("level") in ("ERROR", "CRITICAL"):
                counts["server_error_lines"] += 1
            if "Booting worker" in entry.get("message", ""):
                counts["worker_restarts"] += 1
    return counts


# --------------------------------------------------------------------------- runs


@dataclass
class Settings:
    users: int = 100
    journey_s: int = 90
    fault_s: int = 60
    saturation_s: int = 20
    saturation_users: int = 16
    workers: int | None = None
    threads: int | None = None

    def server_env(self) -> dict[str, str]:
        env = {}
        if self.workers:
            env["WEB_CONCURRENCY"] = str(self.workers)
        if self.threads:
            env["GUNICORN_THREADS"] = str(self.threads)
        return env


def _database_name(url: str) -> str:
    return "" if url.startswith("sqlite") else url.rsplit("/", 1)[-1].split("?")[0]


def metered_locust(
    server: Server, *, database: str = "", **locust: Any
) -> tuple[dict[str, Any], CpuMeter]:
    """Run locust against ``server`` (``run_locust``'s other arguments; its output is
    named after the server) while metering the CPU of its gunicorn and, when
    ``database`` names one, of the PostgreSQL processes serving it. Returns what
    locust recorded and the meter."""
    assert server.process is not None
    with CpuMeter({"gunicorn": server.process.pid}) as cpu:
        cpu.watch_database(database)
        recorded = run_locust(host=server.url, out=WORK / f"{server.name}.json", cpu=cpu, **locust)
    return recorded, cpu


def journey_run(
    backend: str, url: str, settings: Settings, *, fault: bool = False
) -> dict[str, Any]:
    name = f"{backend}-{'fault' if fault else 'journey'}"
    env = {"DATABASE_URL": url, **settings.server_env()}
    with Server(name, [], env) as server:
        assert server.process is not None
        killed: dict[str, Any] = {}
        seconds = settings.fault_s if fault else settings.journey_s

        def kill_a_worker() -> None:
            # Twice (at 1/3 and 2/3 of the run), so both ways of carrying on are used.
            killed["pids"] = []
            for _ in range(2):
                time.sleep(seconds / 3)
                victim = server.workers()[0]
                killed["pids"].append(victim.pid)
                os.kill(victim.pid, signal.SIGKILL)
            time.sleep(3)
            killed["workers_after"] = len(server.workers())

        recorded, cpu = metered_locust(
            server,
            database=_database_name(url),
            user_class="Respondent",
            users=settings.users,
            spawn_rate=max(1, settings.users / 5),
            seconds=seconds,
            during=kill_a_worker if fault else None,
        )
    samples = recorded["samples"]
    other = tuple(sorted({s[0] for s in samples} - set(PAGE_KINDS) - set(SAVE_KINDS) - {"asset"}))
    result = {
        "page_views": summarise(samples, PAGE_KINDS),
        "answer_saves": summarise(samples, SAVE_KINDS),
        "other_requests": summarise(samples, other),
        "assets": summarise(samples, ("asset",)),
        "errors": sum(1 for s in samples if not s[3]),
        "journeys": recorded["journeys"],
        "durability": check_acknowledged(url, recorded["acknowledged"]),
        "cpu": cpu.report(),
        **server_errors(name),
    }
    if fault:
        result["killed_worker"] = killed
    return result


def saturation_run(backend: str, url: str, settings: Settings) -> dict[str, Any]:
    name = f"{backend}-saturation"
    env = {"DATABASE_URL": url, **settings.server_env()}
    with Server(name, [], env) as server:
        recorded, cpu = metered_locust(
            server,
            database=_database_name(url),
            user_class="SaveHammer",
            users=settings.saturation_users,
            spawn_rate=settings.saturation_users,
            # Each user first starts its responses ("setup"), not measured.
            seconds=settings.saturation_s + SETUP_ALLOWANCE_S,
        )
    return {**throughput(recorded["samples"], "saturation save", cpu), "cpu": cpu.report()}


def scaling_run(url: str, settings: Settings, instances: int) -> dict[str, Any]:
    """``instances`` application instances over one PostgreSQL, saturated together.

    Each instance is gunicorn with one worker, pinned to a core of its own, and
    gets its own locust of ``saturation_users`` SaveHammer users: what a load
    balancer splitting traffic evenly gives each instance. Run once with one
    instance and once with as many as the machine has cores, the total saves/s
    shows how the application scales out, and the PostgreSQL CPU per save where
    the next limit is. locust and PostgreSQL share the same cores here, so on a
    small machine the total understates what separate machines would give; the
    CPU per save of each instance is the figure that does not depend on that.
    """
    cores = os.cpu_count() or 1
    env = {"DATABASE_URL": url, "WEB_CONCURRENCY": "1"}
    with contextlib.ExitStack() as stack:
        servers = [
            stack.enter_context(Server(f"scaling-{instances}-{i}", [], env, cpus=str(i % cores)))
            for i in range(instances)
        ]
        meters = [
            stack.enter_context(CpuMeter({"gunicorn": server.process.pid}))  # type: ignore[union-attr]
            for server in servers
        ]
        meters[0].watch_database(_database_name(url))
        recorded: list[dict[str, Any]] = [{} for _ in servers]

        def hammer(i: int) -> None:
            recorded[i] = run_locust(
                host=servers[i].url,
                user_class="SaveHammer",
                users=settings.saturation_users,
                spawn_rate=settings.saturation_users,
                seconds=settings.saturation_s + SETUP_ALLOWANCE_S,
                out=WORK / f"scaling-{instances}-{i}.json",
                cpu=meters[i],
            )

        threads = [threading.Thread(target=hammer, args=(i,)) for i in range(instances)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    each = [
        {**throughput(found["samples"], "saturation save", meter), "cpu": meter.report()}
        for found, meter in zip(recorded, meters, strict=True)
    ]
    total = round(sum(item["per_s"] for item in each), 1)
    postgres_s = meters[0].report().get("postgres_cpu_s")
    wall = meters[0].report()["wall_s"]
    saves = sum(item["count"] for item in each)
    return {
        "instances": instances,
        "saves_per_s": total,
        "errors": sum(item["errors"] for item in each),
        "gunicorn_cpu_ms_per_save": [item.get("gunicorn_cpu_ms_per_request") for item in each],
        "postgres_cpu_ms_per_save": round(1000 * postgres_s / saves, 2)
        if postgres_s and saves
        else None,
        "postgres_cores": round(postgres_s / wall, 2) if postgres_s else None,
        "machine_cores_busy": meters[0].report()["machine_cores_busy"],
        "each": each,
    }


def hello_run(settings: Settings) -> dict[str, Any]:
    app = ["--pythonpath", str(ROOT / "bench" / "load"), "hello:app"]
    with Server("hello", app, settings.server_env()) as server:
        recorded, cpu = metered_locust(
            server,
            user_class="HelloHammer",
            users=settings.saturation_users,
            spawn_rate=settings.saturation_users,
            seconds=settings.saturation_s,
        )
    return {**throughput(recorded["samples"], "saturation hello", cpu), "cpu": cpu.report()}


def backend_runs(backend: str, url: str, settings: Settings, *, parts: set[str]) -> dict[str, Any]:
    prepare(url)
    result: dict[str, Any] = {}
    if "journey" in parts:
        print(f"[{backend}] journey: {settings.users} respondents, {settings.journey_s}s")
        result["journey"] = journey_run(backend, url, settings)
    if "fault" in parts:
        print(f"[{backend}] fault: kill -9 a worker at 1/3 and 2/3 of {settings.fault_s}s")
        result["fault"] = journey_run(backend, url, settings, fault=True)
    if "saturation" in parts:
        print(f"[{backend}] saturation of the answer-save POST, {settings.saturation_s}s")
        result["saturation"] = saturation_run(backend, url, settings)
    if "scaling" in parts and backend == "postgresql":
        # SQLite is one machine; scaling out is PostgreSQL's.
        cores = os.cpu_count() or 1
        print(f"[{backend}] scaling: 1, then {cores} one-worker instances, pinned, saturated")
        runs = [scaling_run(url, settings, n) for n in sorted({1, cores})]
        result["scaling"] = {
            "runs": runs,
            "factor": round(runs[-1]["saves_per_s"] / runs[0]["saves_per_s"], 2)
            if runs[0]["saves_per_s"]
            else None,
        }
    return result


def all_backends(settings: Settings, backends: list[str], parts: set[str]) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for backend in backends:
        if backend == "sqlite":
            url = sqlite_database("sqlite")
            results["sqlite"] = backend_runs("sqlite", url, settings, parts=parts)
        elif backend == "postgresql":
            admin = postgres_admin_url()
            if admin is None:
                print("[postgresql] skipped: set LOAD_POSTGRES_URL or TEST_DATABASE_URL")
                continue
            with postgres_database(admin) as url:
                results["postgresql"] = backend_runs("postgresql", url, settings, parts=parts)
    if "saturation" in parts:
        print("[hello] saturation of a bare Flask hello world, same gunicorn configuration")
        hello = hello_run(settings)
        results["hello_world"] = hello
        for backend in backends:
            saturation = results.get(backend, {}).get("saturation")
            if saturation and hello["per_s"]:
                saturation["ratio_to_hello"] = round(saturation["per_s"] / hello["per_s"], 3)
            save_cost = (saturation or {}).get("gunicorn_cpu_ms_per_request")
            hello_cost = hello.get("gunicorn_cpu_ms_per_request")
            if saturation and save_cost and hello_cost:
                # Throughput when CPU-bound is 1 / CPU per request.
                saturation["ratio_by_cpu"] = round(hello_cost / save_cost, 3)
    return results


# --------------------------------------------------------------------------- report


def _fmt(value: Any) -> str:
    return "-" if value is None else str(value)


def table(results: dict[str, Any]) -> str:
    lines = [
        "| database | run | page p50/p95/p99 ms | save p50/p95/p99 ms | saves | errors "
        "| acknowledged: missing/different | CPU cores gunicorn/postgres |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for backend in ("sqlite", "postgresql"):
        for run in ("journey", "fault"):
            r = results.get(backend, {}).get(run)
            if not r:
                continue
            page, save, dur = r["page_views"], r["answer_saves"], r["durability"]
            lines.append(
                f"| {backend} | {run} "
                f"| {_fmt(page['p50_ms'])}/{_fmt(page['p95_ms'])}/{_fmt(page['p99_ms'])} "
                f"| {_fmt(save['p50_ms'])}/{_fmt(save['p95_ms'])}/{_fmt(save['p99_ms'])} "
                f"| {save['count']} | {r['errors']} "
                f"| {dur['acknowledged']}: {dur['missing']}/{dur['different']} "
                f"| {r['cpu'].get('gunicorn_cores')}/{_fmt(r['cpu'].get('postgres_cores'))} |"
            )
    lines.append("")
    lines.append(
        "| saturation | requests/s | errors | ratio to hello world "
        "| gunicorn CPU ms per request | ratio by CPU cost |"
    )
    lines.append("|---|---|---|---|---|---|")
    for backend in ("sqlite", "postgresql"):
        s = results.get(backend, {}).get("saturation")
        if s:
            lines.append(
                f"| answer save ({backend}) | {s['per_s']} | {s['errors']} "
                f"| {_fmt(s.get('ratio_to_hello'))} "
                f"| {_fmt(s.get('gunicorn_cpu_ms_per_request'))} "
                f"| {_fmt(s.get('ratio_by_cpu'))} |"
            )
    hello = results.get("hello_world")
    if hello:
        lines.append(
            f"| hello world | {hello['per_s']} | {hello['errors']} | 1 "
            f"| {_fmt(hello.get('gunicorn_cpu_ms_per_request'))} | 1 |"
        )
    scaling = results.get("postgresql", {}).get("scaling")
    if scaling:
        lines += [
            "",
            "| instances (1 worker each, pinned) | saves/s | errors "
            "| gunicorn CPU ms per save, each | PostgreSQL CPU ms per save "
            "| PostgreSQL cores | machine cores busy |",
            "|---|---|---|---|---|---|---|",
        ]
        for r in scaling["runs"]:
            lines.append(
                f"| {r['instances']} | {r['saves_per_s']} | {r['errors']} "
                f"| {' / '.join(_fmt(v) for v in r['gunicorn_cpu_ms_per_save'])} "
                f"| {_fmt(r['postgres_cpu_ms_per_save'])} | {_fmt(r['postgres_cores'])} "
                f"| {_fmt(r['machine_cores_busy'])} |"
            )
        lines.append(f"\nScaling factor (most instances / one): {_fmt(scaling['factor'])}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short runs (smoke test)")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--parts", default="journey,fault,saturation,scaling")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--workers", type=int, help="WEB_CONCURRENCY (default: the config's)")
    parser.add_argument("--threads", type=int, help="GUNICORN_THREADS (default: the config's)")
    parser.add_argument("--out", type=Path, default=OUT / "load.json")
    parser.add_argument(
        "--nice", type=int, default=0, help="run gunicorn and locust at this nice value (root)"
    )
    args = parser.parse_args(argv)
    settings = Settings(users=args.users, workers=args.workers, threads=args.threads)
    NICE["value"] = args.nice
    # The session's weight goes back afterwards: it is shared with the shell.
    restore = prioritise(args.nice) if args.nice else None
    try:
        return run(args, settings)
    finally:
        if restore is not None:
            prioritise(restore)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run the benchmark, write the JSON and print the summary."""
    if args.quick:
        settings.journey_s, settings.fault_s, settings.saturation_s = 30, 30, 10
    started = time.monotonic()
    results = all_backends(settings, args.backends.split(","), set(args.parts.split(",")))
    results["settings"] = {
        "users": settings.users,
        "journey_s": settings.journey_s,
        "fault_s": settings.fault_s,
        "saturation_s": settings.saturation_s,
        "saturation_users": settings.saturation_users,
        "workers": settings.workers or f"config default ({2 * (os.cpu_count() or 1)})",
        "threads": settings.threads or "config default (4)",
        "cpu_count": os.cpu_count(),
        "nice": args.nice,
        "autogroup": Path("/proc/self/autogroup").read_text().strip()
        if Path("/proc/self/autogroup").exists()
        else None,
        "load_average_at_end": os.getloadavg(),
        "runtime_s": round(time.monotonic() - started),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(table(results))
    print(f"Written {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
