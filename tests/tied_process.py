"""Processes the tests start (`tekseru serve` above all) that die with the test process: killed by SIGKILL or
SIGTERM, pytest runs no finaliser, and a server it started would go on holding its port and database.

`tied(command)` is the command to hand to `subprocess.Popen` instead: it runs this file, which asks the
kernel (Linux's PR_SET_PDEATHSIG, kept across exec) to send the process SIGTERM when its parent dies, then
becomes `command` by exec, same pid. A wrapper is used rather than Popen's `preexec_fn`, which Python warns
may deadlock when the parent has threads (the browser tests' live servers are threads). The kernel sends
the signal when the *thread* that started the process ends: start it from the test's own thread, not from
a short-lived one. Elsewhere than on Linux the command is run as it is."""

from __future__ import annotations

import os
import sys

from tekseru.cli.parent_death import signal_when_parent_dies


def tied(command: list[str]) -> list[str]:
    """`command`, run so that it gets SIGTERM when the calling process ends."""
    if not sys.platform.startswith("linux"):
        return command
    return [sys.executable, os.path.abspath(__file__), str(os.getpid()), *command]


def _become(parent: int, command: list[str]) -> None:
    if not signal_when_parent_dies(parent):
        raise OSError("prctl(PR_SET_PDEATHSIG) failed")
    os.execvp(command[0], command)


if __name__ == "__main__":
    _become(int(sys.argv[1]), sys.argv[2:])
