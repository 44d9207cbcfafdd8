"""Instructions the web server executes per request (callgrind): a measure of work that load does not move.

    .venv/bin/python bench/bench_web_instructions.py --subjects 100000 --requests 100

Times measured on this machine drift with what else runs on its two cores: the same commit's search page
took 45 ms (p95) in one quiet run and 78-107 ms in the next ones, and its server CPU per request 3.4 to
7 ms. Counting instructions under valgrind's callgrind gives the same figure for the same code and data
within about 1% whatever the load, so a change's effect on the server's work is seen in one run (what a
change does to latency still needs bench_web.py on a quiet machine). What it counts: every instruction of
the server process in user space (Python, uvicorn, SQLite's library or psycopg) while it answers one kind
of request after another on one connection; not the kernel's work, not PostgreSQL's server process.

`tekseru serve` (one process) starts under callgrind with counting off; each kind is warmed up
(`--warmup` requests, not counted), then `--requests` requests are counted and dumped. The baseline is
`/api/v1/health`, the cheapest answer the server gives, counted the same way: each kind's ratio to it says
how many bare requests its work is worth. Every answer must be 200 and hold its kind's marker (the checks).
Needs valgrind (Debian's package of that name).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))

from bench_web import Kind, free_port, kinds, prepare, registry_options, sign_in
from common import Run, add_options, database_kind, fresh_postgres
from pg_backends import Usage, backends, spent, usage

BASELINE = Kind("health", lambda rng: "/api/v1/health", lambda path: (b'"status"',))


def counted(
    url: str, kinds_to_count: list[Kind], requests: int, warmup: int, database: dict[str, Usage] | None = None
) -> tuple[dict[str, int], list[str]]:
    """Instructions of the server per kind (its `requests` answers), and what was wrong with any answer;
    on PostgreSQL also, in `database`, what its backends did for each kind's answers (`pg_backends`)."""
    out = Path(tempfile.mkdtemp(prefix="tekseru-bench-instructions-")) / "callgrind.out"
    port = free_port()
    command = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}"]
    command += [sys.executable, "-m", "tekseru", "serve", "--port", str(port)]
    env = {**os.environ, "TEKSERU_DATABASE_URL": url}
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base, wrong, dumps = f"http://127.0.0.1:{port}", [], []
    try:
        deadline = time.monotonic() + 900  # the whole application imported under valgrind
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=10).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        else:
            raise RuntimeError("the server under valgrind did not start")
        cookie = "; ".join(f"{name}={value}" for name, value in sign_in(base).items())
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        for kind in kinds_to_count:
            rng = random.Random(kind.name)
            paths = [kind.path(rng) for _ in range(warmup + requests)]
            wrong += _ask(connection, cookie, kind, paths[:warmup])
            _control(server.pid, "--instr=on")
            before = usage(backends(url)) if database is not None else {}
            wrong += _ask(connection, cookie, kind, paths[warmup:])
            if database is not None:
                database[kind.name] = spent(before, usage(backends(url)))
            _control(server.pid, "--dump=" + kind.name.replace(" ", "_"))
            _control(server.pid, "--instr=off")
            dumps.append(kind.name)
        connection.close()
    finally:
        server.terminate()
        server.wait(timeout=120)
    totals = _totals(out)
    shutil.rmtree(out.parent, ignore_errors=True)
    if len(totals) < len(dumps):
        raise RuntimeError(f"callgrind wrote {len(totals)} dumps for {len(dumps)} kinds")
    return dict(zip(dumps, totals, strict=False)), wrong


def _ask(connection: http.client.HTTPConnection, cookie: str, kind: Kind, paths: list[str]) -> list[str]:
    wrong = []
    for path in paths:
        connection.request("GET", path, headers={"Cookie": cookie})
        response = connection.getresponse()
        body = response.read()
        if response.status != 200 or any(marker not in body for marker in kind.markers(path)):
            wrong.append(f"{kind.name}: {path} answered {response.status}")
    return wrong


def _control(pid: int, what: str) -> None:
    subprocess.run(["callgrind_control", what, str(pid)], check=True, capture_output=True, timeout=120)


def _totals(out: Path) -> list[int]:
    """The instructions of each dump callgrind wrote (`OUT.1`, `OUT.2`, ... in order)."""
    numbered = sorted(
        (int(path.name.rsplit(".", 1)[1]), path)
        for path in out.parent.glob(out.name + ".*")
        if path.name.rsplit(".", 1)[1].isdigit()
    )
    totals = []
    for _, path in numbered:  # "totals:" closes each file (its "summary:" is not always filled in)
        found = [line for line in path.read_text().splitlines() if line.startswith("totals:")]
        totals.append(int(found[-1].split()[1]) if found else 0)
    return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    registry_options(parser)
    parser.add_argument("--requests", type=int, default=100, help="requests of each kind counted")
    parser.add_argument("--warmup", type=int, default=60, help="requests of each kind first, not counted")
    add_options(parser)
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        print("valgrind is not installed (Debian: apt-get install valgrind)", file=sys.stderr)
        return 2
    path = args.db or Path(tempfile.mkdtemp(prefix="tekseru-bench-instructions-")) / "bench.sqlite3"
    url = args.database_url or f"sqlite:///{path}"
    if database_kind(url) == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
    elif not args.reuse_db:
        fresh_postgres(url)
    run = Run("web_instructions", url, sizes={"subjects": args.subjects, "requests": args.requests})
    prepare(path, args.subjects, args.seed, args.reuse_db, url)
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        subjects = connection.execute(text("SELECT count(*) FROM subjects")).scalar_one()
        bins = list(connection.execute(text("SELECT bin FROM subjects ORDER BY bin LIMIT 5000")).scalars())
    engine.dispose()
    measured = [BASELINE, *kinds(bins, subjects)]
    database: dict[str, Usage] | None = {} if database_kind(url) == "postgresql" else None
    totals, wrong = counted(url, measured, args.requests, args.warmup, database)
    run.check("every answer 200 with its markers", not wrong, "; ".join(wrong[:5]))
    run.check("callgrind counted every kind", all(totals.get(kind.name, 0) > 0 for kind in measured))
    floor = totals.get(BASELINE.name, 0) / args.requests
    server = f"{'db wake-ups':>13}{'database CPU ms':>17}" if database is not None else ""
    print(f"\n{'kind':<14}{'instructions per request':>26}{'times a health check':>22}{server}")
    for kind in measured:
        each = totals.get(kind.name, 0) / args.requests
        times = each / floor if floor else 0.0
        line = f"{kind.name:<14}{each:>26,.0f}{times:>22.2f}"
        run.figure(f"{kind.name}: instructions per request", each / 1e6, "million instructions")
        if kind is not BASELINE:
            run.figure(f"{kind.name}: times the work of a health check", times, "x")
        if database is not None and kind.name in database:
            trips, cpu = (
                database[kind.name].wakeups / args.requests,
                1000 * database[kind.name].cpu / args.requests,
            )
            line += f"{trips:>13.2f}{cpu:>17.3f}"
            run.figure(f"{kind.name}: database wake-ups per request", trips, "wake-ups")
            run.figure(f"{kind.name}: database CPU per request", cpu, "ms")
        print(line)
    if database is not None:
        run.check("the database's backends were seen", all(kind.name in database for kind in measured))
        idle = database[BASELINE.name].wakeups / args.requests  # a backend wakes to flush its statistics too
        run.check("a health check wakes no backend", idle < 0.1, f"{idle:.2f} wake-ups per health check")
    return run.finish(args.json)


if __name__ == "__main__":
    sys.exit(main())
