"""The workers of `tekseru serve --workers N` share their counts of open connections, and a worker holding
more than its share ends a connection after answering on it (Connection: close)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tekseru.cli.serve_balance import _SLOT, ConnectionCounts, slot_for


def _workers(count: int) -> tuple[int, list[ConnectionCounts]]:
    counts = ConnectionCounts.create(count)
    return counts, [ConnectionCounts(counts, count, slot) for slot in range(count)]


def test_a_worker_over_its_share_ends_connections_until_it_holds_its_share() -> None:
    counts, (first, second) = _workers(2)
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
        os.close(counts)


def test_one_worker_alone_never_ends_connections() -> None:
    counts, (only,) = _workers(1)
    try:
        for _ in range(50):
            only.changed(+1)
        assert not only.over_share()
    finally:
        os.close(counts)


def test_a_replaced_worker_no_longer_writes_the_slot_it_had() -> None:
    counts, (old, other) = _workers(2)
    try:
        old.changed(+3)
        old.pid = -1  # as another process would be: its replacement below runs in this one
        new = ConnectionCounts(counts, 2, 0)
        new.changed(+1)
        old.changed(-1)  # a connection of the old worker closes: not written over the new one's
        assert other.slots_held()[0] == (new.pid, 1)
    finally:
        os.close(counts)


def _dead_pid() -> int:
    """The process id of a process that has ended (and been waited for)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_worker_restarted_after_a_crash_takes_the_slot_of_the_dead_one() -> None:
    """uvicorn restarts a dead worker (its replacement is the third started of two): the replacement
    counts in the dead worker's slot, not in a live worker's, whose connections would then go uncounted
    and which would end nearly every connection it answers as over its share."""
    counts, (_, second) = _workers(2)
    try:
        _SLOT.pack_into(second._memory, _SLOT.size, _dead_pid(), 4)  # the second worker died holding 4
        assert slot_for(counts, 2, started=2) == 1
        assert slot_for(counts, 2, started=3) == 1
    finally:
        os.close(counts)


def test_workers_take_their_slots_in_turn_while_all_are_alive() -> None:
    """At the start (no slot written yet) and when every worker is replaced in turn (SIGHUP: the new
    worker starts before the old one ends), the n-th worker started takes slot n modulo the workers."""
    counts = ConnectionCounts.create(2)
    try:
        assert [slot_for(counts, 2, started=n) for n in range(2)] == [0, 1]
        workers = [ConnectionCounts(counts, 2, slot) for slot in range(2)]
        assert [slot_for(counts, 2, started=n) for n in (2, 3)] == [0, 1]
        assert workers[0].slots_held()[0][0] == os.getpid()
    finally:
        os.close(counts)


def test_the_file_of_counters_has_no_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing is left in the temporary folder however the server ends (SIGKILL included:
    tests/web/test_serve_workers.py): the file is made without a name and shared by its descriptor."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    counts, (first, _) = _workers(2)
    try:
        first.changed(+2)
        assert list(tmp_path.iterdir()) == []
        assert slot_for(counts, 2, started=2) == 0  # read through the descriptor: both slots are live
        assert ConnectionCounts(counts, 2, 1).slots_held()[0] == (os.getpid(), 2)
    finally:
        os.close(counts)
