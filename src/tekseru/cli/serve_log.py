"""What `tekseru serve` logs while it runs, in the reader's language: uvicorn's own English lines never
reach a reader of kk or ru in normal operation.

uvicorn is handed `log_config(language)` (each worker process applies it too). Its informational lines
("Started server process", "Waiting for application startup", "Shutting down"...) are dropped, and the one
that says the server listens ("Uvicorn running on ...") becomes our start line, and the last one of the
serving process ("Finished server process", or with workers the parent's "Stopping parent process") our
stop line: uvicorn ends the process by the signal it caught (SIGTERM) right after it, so no code after
`uvicorn.run` would run to say it. Each request of the access log is told in our own words, without
uvicorn's English reason phrase ("GET /login → 200"). Warnings and errors (a malformed request) go to
standard error as uvicorn says them: they are for the operator, and rare; but an address it cannot listen
at (a port already taken), which a first-time reader meets, is said in one line of the reader's language
naming the address (`BindFailure`), and uvicorn then exits with status 1, without a traceback.
"""

from __future__ import annotations

import errno
import logging
import multiprocessing
from typing import Any

from tekseru.i18n import translate

LISTENING = "Uvicorn running on"
# Why a socket cannot listen, by its error number: the message that says it (the rest: `cannot_bind`).
BIND_FAILURES = {
    errno.EADDRINUSE: "last13.serve.address_taken",
    errno.EACCES: "last13.serve.not_permitted",
    errno.EADDRNOTAVAIL: "last13.serve.not_here",
}
# The last line of the process that serves: one worker's, or with several the parent's.
STOPPED = ("Finished server process", "Stopping parent process")


class SaidInLanguage(logging.Filter):
    """Keeps uvicorn's informational lines that a reader needs, each put into `language`'s words."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            return False  # the operator's handler (standard error) prints them
        if record.name == "uvicorn.access":
            return self._request(record)
        text = str(record.msg)
        if text.startswith(STOPPED):
            if text.startswith(STOPPED[0]) and multiprocessing.parent_process() is not None:
                return False  # a worker of several: the parent says it
            record.msg, record.args = translate(self.language, "today13.serve.stopped"), None
            return True
        if not text.startswith(LISTENING):
            return False
        address = record.getMessage().removeprefix(LISTENING).split(" (")[0].strip()
        record.msg, record.args = translate(self.language, "today13.serve.listening", address=address), None
        return True

    def _request(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        if len(args) != 5:
            return False
        client, method, path, _, status = args
        said = translate(self.language, "today13.serve.request", client=client, method=method, path=path)
        record.msg, record.args = f"{said} {status}", None
        return True


class BindFailure(logging.Filter):
    """uvicorn's error when it cannot listen at `address` (it logs the `OSError` itself, then exits) put
    into one line of `language`'s words; every other warning and error passes as it is."""

    def __init__(self, language: str, address: str) -> None:
        super().__init__()
        self.language, self.address = language, address

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.msg
        if isinstance(error, OSError):
            key = BIND_FAILURES.get(error.errno or 0, "last13.serve.cannot_bind")
            number = error.errno or 0
            record.msg = translate(self.language, key, address=self.address, number=number)
            record.args = None
        return True


def log_config(language: str, address: str = "") -> dict[str, Any]:
    """uvicorn's logging: the reader's lines on standard output, warnings and errors on standard error
    (one that it cannot listen at `address` in the reader's words)."""
    said = {"()": f"{__name__}.SaidInLanguage", "language": language}
    bind = {"()": f"{__name__}.BindFailure", "language": language, "address": address}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"said": said, "bind": bind},
        "formatters": {"plain": {"format": "%(message)s"}},
        "handlers": {
            "said": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "plain",
                "filters": ["said"],
            },
            "operator": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "plain",
                "filters": ["bind"],
                "level": "WARNING",
            },
        },
        "loggers": {
            "uvicorn": {"handlers": ["said", "operator"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "INFO"},
            "uvicorn.access": {"handlers": ["said"], "level": "INFO", "propagate": False},
        },
    }
