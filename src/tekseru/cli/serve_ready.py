"""The line "the server answers at ..." of `tekseru serve --workers N`, said when it is true.

uvicorn logs "running on" (which `serve_log` turns into that line) when the parent binds the address, 7-14 s
before a worker that still imports the application listens: a reader who opened the address then was
refused. `Announcing` says it once every worker has told the parent that it accepts connections: uvicorn's
health check answers whether the worker's server has started listening. All, not the first: from the first
the address answers, but until the others listen one worker takes every connection the clients keep.
"""

from __future__ import annotations

import contextlib
import logging
import socket
from collections.abc import Iterator

from uvicorn import Config
from uvicorn.supervisors import Multiprocess

from tekseru.cli.serve_log import LISTENING

logger = logging.getLogger("uvicorn.error")


@contextlib.contextmanager
def held_back() -> Iterator[None]:
    """uvicorn's "running on" line, which binding the address logs, left out."""

    def not_listening(record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(LISTENING)

    logger.addFilter(not_listening)
    try:
        yield
    finally:
        logger.removeFilter(not_listening)


class Announcing(Multiprocess):
    """uvicorn's supervisor of the workers, which logs "running on" once every worker accepts connections
    (asked at each of its rounds, every half second, until they all do)."""

    def __init__(self, config: Config, sockets: list[socket.socket]) -> None:
        super().__init__(config, sockets)
        self.announced = False

    def keep_subprocess_alive(self) -> None:
        super().keep_subprocess_alive()
        if self.announced or self.should_exit.is_set():
            return
        wait = self.config.timeout_worker_healthcheck
        if all(process.is_ready(timeout=wait) for process in self.processes):
            self.announced = True
            logger.info(f"{LISTENING} %s (Press CTRL+C to quit)", address_of(self.config))


def address_of(config: Config) -> str:
    """The address the server answers at, as uvicorn writes it."""
    host = "0.0.0.0" if config.host is None else config.host
    scheme = "https" if config.is_ssl else "http"
    return f"{scheme}://[{host}]:{config.port}" if ":" in host else f"{scheme}://{host}:{config.port}"
