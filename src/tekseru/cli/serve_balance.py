"""Keeping the connections of `tekseru serve --workers N` even over the workers.

The kernel hands each new connection to one worker's socket (SO_REUSEPORT, `serve_workers`) by a hash of its
addresses, not by how many each worker holds: 20 browsers or clients keeping their connections open were seen
split 15 to 5, so the clients of one worker waited three times as long as the others for the same pages while
both workers were busy. Each worker counts its open connections in a small file mapped into every worker's
memory (`ConnectionCounts`). The file has no name: it is made unlinked, and the parent hands each worker its
descriptor, so nothing is left in the temporary folder however the server ends (a parent killed by SIGKILL
used to leave a `/tmp/tekseru-connections-*` file behind). A worker holding more than its share ends the
connection of a request it answers ("Connection: close" in the answer, which HTTP allows at any time). The
client opens a new one, which the kernel gives to any worker, and the connections even out within a few
requests.
"""

from __future__ import annotations

import math
import mmap
import os
import struct
import tempfile
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# The protocol class uvicorn's workers answer HTTP with (`uvicorn.Config(http=...)`, imported by name).
PROTOCOL = "tekseru.cli.serve_balance:BalancedHttpProtocol"
_SLOT = struct.Struct("qq")  # a worker's process id and its open connections


class ConnectionCounts:
    """The open connections of each worker, in a file every worker maps (by its descriptor `counts`): slot
    `slot` is this worker's."""

    def __init__(self, counts: int, slots: int, slot: int) -> None:
        self.slots, self.slot, self.pid = slots, slot, os.getpid()
        self._memory = mmap.mmap(counts, slots * _SLOT.size)
        self.open = 0
        self.closing = 0  # connections this worker is ending (answered with Connection: close)
        _SLOT.pack_into(self._memory, slot * _SLOT.size, self.pid, 0)  # a restarted worker takes it over

    @staticmethod
    def create(slots: int) -> int:
        """A new file of `slots` empty slots without a name (O_TMPFILE, or unlinked at once where the system
        has no O_TMPFILE): its descriptor, which the caller closes; the file goes with the last descriptor
        and mapping of it."""
        with tempfile.TemporaryFile(prefix="tekseru-connections-") as file:
            file.write(bytes(slots * _SLOT.size))
            file.flush()
            return os.dup(file.fileno())

    def changed(self, by: int) -> None:
        self.open += by
        offset = self.slot * _SLOT.size
        owner, _ = _SLOT.unpack_from(self._memory, offset)
        if owner == self.pid:  # a worker that replaced this one owns the slot now: leave it
            _SLOT.pack_into(self._memory, offset, self.pid, self.open)

    def slots_held(self) -> list[tuple[int, int]]:
        """Each slot's worker (process id, 0 when none yet) and its open connections."""
        return [_SLOT.unpack_from(self._memory, i * _SLOT.size) for i in range(self.slots)]

    def over_share(self) -> bool:
        """Whether this worker holds more open connections (less those it is ending) than its share."""
        counts = self.slots_held()
        live = sum(1 for pid, _ in counts if pid)
        total = sum(count for _, count in counts)
        return live > 1 and self.open - self.closing > math.ceil(total / live)


def slot_for(counts: int, slots: int, started: int) -> int:
    """The slot of the file of descriptor `counts` for the worker the parent starts now, the `started`-th
    (from 0): the slot of a worker that has died if there is one (uvicorn starts a replacement only after it
    waited for the dead worker, so its process is gone), else the next in turn. In turn alone, the replacement
    of the second of two workers took the first's slot, whose connections then went uncounted: the first ended
    nearly every connection it answered as over its share (108 of 120 requests on 20 keep-alive clients)."""
    memory = os.pread(counts, slots * _SLOT.size, 0)
    for slot in range(slots):
        pid, _ = _SLOT.unpack_from(memory, slot * _SLOT.size)
        if pid and not _alive(pid):
            return slot
    return started % slots


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process holds the id now
        return True
    return True


_counts: ConnectionCounts | None = None


def share(counts: int, slots: int, slot: int) -> None:
    """Count this worker's connections in slot `slot` of the file of descriptor `counts` (called in each
    worker, which needs the descriptor no longer once the file is mapped)."""
    global _counts
    _counts = ConnectionCounts(counts, slots, slot)
    os.close(counts)


class BalancedHttpProtocol(HttpToolsProtocol):
    """uvicorn's HTTP protocol, counting this worker's connections and ending one of a worker over its
    share after the answer to its current request."""

    ending = False

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        if _counts is not None:
            _counts.changed(+1)

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        if _counts is not None:
            _counts.changed(-1)
            if self.ending:
                _counts.closing -= 1

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        started = self.cycle is not None and self.cycle.scope is self.scope  # not an upgrade
        if (
            _counts is not None
            and started
            and not self.ending
            and self.cycle.keep_alive
            and _counts.over_share()
        ):
            self.cycle.keep_alive = False  # uvicorn then answers with Connection: close, and closes
            self.ending = True
            _counts.closing += 1
