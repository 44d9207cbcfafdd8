"""What `tekseru serve` logs while it runs, in the reader's language: uvicorn's own English lines never
reach a reader of kk or ru in normal operation.

uvicorn is handed `log_config(language)` (each worker process applies it too). Its informational lines
("Started server process", "Waiting for application startup", "Shutting down"...) are dropped, and the one
that says the server listens ("Uvicorn running on ...") becomes our start line, and the last one of the
serving process ("Finished server process", or with workers the parent's "Stopping parent process") our
stop line: uvicorn ends the process by the signal it caught (SIGTERM) right after it, so no code after
`uvicorn.run` would run to say it. Each request of the access log is told in our own words, without
uvicorn's English reason phrase ("GET /login → 200"). Warnings and errors (a port already taken, a
malformed request) go to standard error as uvicorn says them: they are for the operator, and rare.
"""

from __future__ import annotations

import logging
import multiprocessing
from typing import Any

from tekseru.i18n import translate

LISTENING = "Uvicorn running on"
# The last line of the process that serves: one worker's, or with several the parent's.
STOPPED = ("Finished server process", "Stopping parent process")
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


def log_config(language: str) -> dict[str, Any]:
    """uvicorn's logging: the reader's lines on standard output, warnings and errors on standard error."""
    said = {"()": f"{__name__}.SaidInLanguage", "language": language}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"said": said},
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
                "level": "WARNING",
            },
        },
        "loggers": {
            "uvicorn": {"handlers": ["said", "operator"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "INFO"},
            "uvicorn.access": {"handlers": ["said"], "level": "INFO", "propagate": False},
        },
    }
