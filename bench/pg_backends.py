"""The PostgreSQL server's share of a benchmark's work: the server processes (backends) of one database, their
CPU time and their wake-ups, read from Linux's /proc (the server runs on this machine).

On this machine the server's backends share the two processors with tekseru and the clients, so a
request's latency counts their work as well as tekseru's. A backend sleeps until the next message comes, so
it wakes (a voluntary context switch) once for each round trip of a client that waits for each answer (as a
request does; less on a busy machine, when the next message came before it slept), and once for each of
the statements a client sends together (a pipeline) when they arrive apart: what a request costs the
database in wake-ups, whatever else runs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool


@dataclass(frozen=True)
class Usage:
    """What some backends had done, in total, when read: CPU seconds and wake-ups."""

    cpu: float
    wakeups: int


_BACKENDS = text("SELECT pid FROM pg_stat_activity WHERE datname = :name AND backend_type = 'client backend'")


def backends(url: str) -> list[int]:
    """The process ids of the client backends connected to the database of `url` (asked from another
    database of the server, so that the asking one is not among them)."""
    target = make_url(url)
    engine = create_engine(target.set(database="postgres"), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            found = connection.execute(_BACKENDS, {"name": target.database})
            return sorted(int(pid) for pid in found.scalars())
    finally:
        engine.dispose()


def usage(pids: list[int]) -> dict[int, Usage]:
    """Each backend's usage so far (those that ended meanwhile left out)."""
    found = {}
    for pid in pids:
        try:
            found[pid] = Usage(_cpu_seconds(pid), _wakeups(pid))
        except (OSError, ValueError, IndexError):
            continue
    return found


def spent(before: dict[int, Usage], after: dict[int, Usage]) -> Usage:
    """What the backends did between two readings (a backend opened meanwhile counted from nothing)."""
    cpu, wakeups = 0.0, 0
    for pid, now in after.items():
        then = before.get(pid, Usage(0.0, 0))
        cpu, wakeups = cpu + now.cpu - then.cpu, wakeups + now.wakeups - then.wakeups
    return Usage(cpu, wakeups)


def _cpu_seconds(pid: int) -> float:
    """The process's CPU time in nanoseconds when the kernel keeps it (/proc/PID/schedstat), else in clock
    ticks (/proc/PID/stat: user and system, 10 ms steps)."""
    schedstat = Path(f"/proc/{pid}/schedstat")
    if schedstat.exists():
        return int(schedstat.read_text().split()[0]) / 1e9
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wakeups(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("voluntary_ctxt_switches:"):
            return int(line.split()[1])
    raise ValueError(f"no voluntary_ctxt_switches in /proc/{pid}/status")
