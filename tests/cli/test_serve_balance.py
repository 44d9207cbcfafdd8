"""The workers of `tekseru serve --workers N` share their counts of open connections, and a worker holding
more than its share ends a connection after answering on it (Connection: close)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tekseru.cli.serve_balance import _SLOT, ConnectionCounts, slot_for


def _workers(count: int) -> tuple[str, list[ConnectionCounts]]:
    path = ConnectionCounts.create(count)
    return path, [ConnectionCounts(path, count, slot) for slot in range(count)]


def test_a_worker_over_its_share_ends_connections_until_it_holds_its_share() -> None:
    path, (first, second) = _workers(2)
    try:
        for _ in range(15):
            first.changed(+1)
        for _ in range(5):
            second.changed(+1)
        assert first.over_share() and not second.over_share()  # 15 of 20: its share is 10
        for _ in range(4):  # four answered with Connection: close, not closed yet
            first.closing += 1
        assert first.over_share()
        first.closing += 1
        assert not first.over_share()  # 15 - 5 ending: its share
        for _ in range(5):  # the five closed: their clients' new connections went to the other worker
            first.changed(-1)
            first.closing -= 1
            second.changed(+1)
        assert not first.over_share() and not second.over_share()
    finally:
        Path(path).unlink()


def test_one_worker_alone_never_ends_connections() -> None:
    path, (only,) = _workers(1)
    try:
        for _ in range(50):
            only.changed(+1)
        assert not only.over_share()
    finally:
        Path(path).unlink()


def test_a_replaced_worker_no_longer_writes_the_slot_it_had() -> None:
    path, (old, other) = _workers(2)
    try:
        old.changed(+3)
        old.pid = -1  # as another process would be: its replacement below runs in this one
        new = ConnectionCounts(path, 2, 0)
        new.changed(+1)
        old.changed(-1)  # a connection of the old worker closes: not written over the new one's
        assert other.slots_held()[0] == (new.pid, 1)
    finally:
        Path(path).unlink()


def _dead_pid() -> int:
    """The process id of a process that has ended (and been waited for)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_worker_restarted_after_a_crash_takes_the_slot_of_the_dead_one() -> None:
    """uvicorn restarts a dead worker (its replacement is the third started of two): the replacement
    counts in the dead worker's slot, not in a live worker's, whose connections would then go uncounted
    and which would end nearly every connection it answers as over its share."""
    path, (_, second) = _workers(2)
    try:
        _SLOT.pack_into(second._memory, _SLOT.size, _dead_pid(), 4)  # the second worker died holding 4
        assert slot_for(path, 2, started=2) == 1
        assert slot_for(path, 2, started=3) == 1
    finally:
        Path(path).unlink()


def test_workers_take_their_slots_in_turn_while_all_are_alive() -> None:
    """At the start (no slot written yet) and when every worker is replaced in turn (SIGHUP: the new
    worker starts before the old one ends), the n-th worker started takes slot n modulo the workers."""
    path = ConnectionCounts.create(2)
    try:
        assert [slot_for(path, 2, started=n) for n in range(2)] == [0, 1]
        workers = [ConnectionCounts(path, 2, slot) for slot in range(2)]
        assert [slot_for(path, 2, started=n) for n in (2, 3)] == [0, 1]
        assert workers[0].slots_held()[0][0] == os.getpid()
    finally:
        Path(path).unlink()
