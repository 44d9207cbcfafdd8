"""A job's own process: it runs the job's work on a connection of its own and sends its progress and its
outcome to the server through a pipe. Stopped (SIGTERM), it unwinds so that its transaction rolls back; when
the server dies, it ends itself, committing nothing."""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from tekseru.store import Database
from tekseru.store.jobs import (
    FAILED,
    FINISHED,
    job_database,
)

if TYPE_CHECKING:  # a runner that lists and cancels jobs needs no catalogue
    from tekseru.catalog import Catalogue

log = logging.getLogger("tekseru.jobs")


class JobFailed(Exception):
    """Raised by a job's work to end it as failed with a message and a result (an import's errors)."""

    def __init__(self, message: str, result: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.result = result


Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class JobContext:
    """What a job's work gets: its id, the database to work on, the progress callback and the catalogue the
    runner was handed (sent to the job's process with the work, never read from files there)."""

    job_id: uuid.UUID
    db: Database
    progress: Progress
    catalogue: Catalogue


# A job's work runs in another process: it must pickle (a module-level function, or a partial of one).
Work = Callable[[JobContext], Mapping[str, Any]]


def process_context(preload: list[str]) -> Any:
    """Forkserver: a job's process starts as a fork of a clean process that has imported the work's modules
    once, so it starts fast and inherits none of the server's threads, sockets or connections."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(preload)
    return context


def child(
    url: str, job_id: uuid.UUID, work: Work, catalogue: Catalogue, messages: Connection, lifeline: Connection
) -> None:
    """The job's process: run the work on its own connection and send its progress and outcome."""
    signal.signal(signal.SIGTERM, _stopped)
    threading.Thread(target=_exit_with_parent, args=(lifeline,), daemon=True).start()
    db = job_database(url)
    try:
        progress = partial(_send_progress, messages)
        result = work(JobContext(job_id, db, progress, catalogue))
        outcome: tuple[str, str | None, Mapping[str, Any] | None] = (FINISHED, None, result)
    except JobFailed as error:
        outcome = (FAILED, str(error), error.result)
    except Exception as error:
        log.exception("job %s failed", job_id)
        outcome = (FAILED, crash_message(error), None)
    finally:
        db.close()
    messages.send(("end", *outcome))


def crash_message(error: BaseException) -> str:
    """Why a job ended on an unexpected error, in a fixed form (`tekseru.i18n.stored`): the reader gets a
    sentence in their language, then this technical detail."""
    return f"failed unexpectedly: {type(error).__name__}: {error}"


def _stopped(signum: int, frame: Any) -> None:
    # SystemExit unwinds the work: open transactions roll back, an assessment run is marked failed.
    raise SystemExit(128 + signum)


def _exit_with_parent(lifeline: Connection) -> None:
    """End this process when the server's end of the lifeline closes (the server died): nothing committed."""
    with contextlib.suppress(EOFError, OSError):
        lifeline.recv()
    os._exit(3)


def _send_progress(messages: Connection, done: int, total: int) -> None:
    messages.send(("progress", done, total))
