"""Several worker processes for `tekseru serve`, each listening on the port with a socket of its own.

uvicorn's workers share one listening socket, and the first worker to wake takes every connection waiting
on it: 20 clients connecting at once were split 16 to 4 (the CPU time of the two workers was 794 and 217
ticks), so one worker queued four times the requests of the other while half a core stood idle, and the
slowest answers doubled. Here each worker binds its own socket with SO_REUSEPORT and the kernel spreads new
connections over them (by a hash of their addresses: `serve_balance` evens out what it leaves uneven).
The parent still binds the address first, as uvicorn does, so that a port already taken is reported once,
in the reader's words (`serve_log`), and then lets it go for the workers. Where the system has no
SO_REUSEPORT (not Linux or BSD), uvicorn's shared socket is used.

The line "the server answers at ..." is said once every worker accepts connections (`serve_ready`), not
when the parent binds the address as uvicorn does. A worker ends when the parent dies, even by SIGKILL
(which lets the parent stop nobody): otherwise the workers went on answering on the port, and the next
`tekseru serve` on it was told that the address is taken.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import threading
import time
from typing import Any

from tekseru.cli.parent_death import signal_when_parent_dies


def run(app: str, **options: Any) -> None:
    """`uvicorn.run(app, **options)` for `options["workers"]` > 1, the workers listening each on its own
    socket (SO_REUSEPORT) when the system has it, and the server said to answer once they all listen."""
    import uvicorn

    from tekseru.cli import serve_balance
    from tekseru.cli.serve_ready import Announcing, held_back

    each_own = hasattr(socket, "SO_REUSEPORT")
    if each_own:
        options["http"] = serve_balance.PROTOCOL
    config = uvicorn.Config(app, **options)
    with held_back():
        bound = config.bind_socket()  # says why it cannot listen (and exits), but not yet that it does
    if not each_own:
        with contextlib.closing(bound):
            Announcing(config, [bound]).run()
        return
    bound.close()
    counts = serve_balance.ConnectionCounts.create(config.workers)
    try:
        Announcing(config, SocketPerWorker(config.host, config.port, counts, config.workers)).run()
    finally:
        os.close(counts)


class SocketPerWorker(list[socket.socket]):
    """The sockets handed to every worker: empty in the parent, and in each worker a new socket bound to
    (host, port) with SO_REUSEPORT. A worker is a new process (spawn) that receives its arguments pickled;
    this list is pickled as the instruction to make that socket there, so each worker, a restarted one too,
    gets one of its own, and a copy of the descriptor of the file `counts` (which has no name) with the
    slot it counts its connections in (a restarted worker takes over the slot of the one that died, or of
    the one it replaces: `serve_balance.slot_for`)."""

    def __init__(self, host: str, port: int, counts: int, workers: int) -> None:
        super().__init__()
        self.host, self.port, self.counts, self.workers = host, port, counts, workers
        self.started = 0

    def __reduce__(self) -> tuple[Any, tuple[str, int, Any, int, int, int]]:
        from multiprocessing.reduction import DupFd

        from tekseru.cli import serve_balance

        slot = serve_balance.slot_for(self.counts, self.workers, self.started)
        self.started += 1
        # DupFd: the process being started gets the descriptor (as it gets the sockets uvicorn passes).
        return (worker_sockets, (self.host, self.port, DupFd(self.counts), self.workers, slot, os.getpid()))


def worker_sockets(
    host: str, port: int, counts: Any, workers: int, slot: int, parent: int
) -> list[socket.socket]:
    """One socket bound to (host, port) that other sockets with SO_REUSEPORT may share (uvicorn's worker
    listens on it); this worker counts its connections in slot `slot` of the file `counts` (a
    descriptor handed over by `multiprocessing`), and ends when its parent, process `parent`, dies."""
    from tekseru.cli import serve_balance

    end_with(parent)
    serve_balance.share(counts.detach(), workers, slot)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family=family, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return [sock]


def end_with(parent: int) -> None:
    """SIGTERM (uvicorn's worker then stops as on Ctrl+C) to this process when process `parent` dies: sent
    by the kernel on Linux (`parent_death`; uvicorn starts its workers from its main thread, whose end is
    what the kernel watches); elsewhere a thread looks every second."""
    if signal_when_parent_dies(parent):
        return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="end-with-parent", daemon=True).start()
